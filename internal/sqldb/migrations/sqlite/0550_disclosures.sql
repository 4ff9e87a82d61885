-- +goose Up
-- The disclosure register of grassroots democracy in an agency (công khai, Luật Thực hiện
-- dân chủ ở cơ sở 10/2022/QH15, chương III): what the head disclosed to the staff, the
-- decision it discloses, the forms used, when it was posted and taken down, who is
-- answerable; the staff's questions and objections with their answers. The categories
-- and the time limits are data: a change of law is a new row of disclosure_rules with its
-- effective date, not a code change.
CREATE TABLE disclosure_categories (
    code   TEXT PRIMARY KEY,
    label  TEXT NOT NULL,
    seq    INTEGER NOT NULL
);
INSERT INTO disclosure_categories (code, label, seq) VALUES
    ('ke-hoach',   'Kế hoạch, chương trình công tác của cơ quan', 1),
    ('ngan-sach',  'Dự toán, quyết toán ngân sách, tình hình tài chính', 2),
    ('tai-san',    'Tài sản, trang thiết bị, đầu tư, mua sắm công', 3),
    ('nhan-su',    'Tuyển dụng, bổ nhiệm, điều động, nâng lương, đào tạo, kỷ luật cán bộ', 4),
    ('thanh-tra',  'Kết luận thanh tra, kiểm tra, kiểm toán', 5),
    ('khieu-nai',  'Kết quả giải quyết khiếu nại, tố cáo, kiến nghị, phản ánh', 6),
    ('quy-che',    'Nội quy, quy chế của cơ quan (chi tiêu nội bộ, dân chủ, văn hóa công sở…)', 7),
    ('che-do',     'Chế độ, chính sách đối với cán bộ, công chức, viên chức, người lao động', 8),
    ('thi-dua',    'Thi đua, khen thưởng', 9),
    ('ke-khai',    'Kê khai tài sản, thu nhập; phòng, chống tham nhũng, tiêu cực', 10),
    ('khac',       'Nội dung khác theo quy định của pháp luật', 11);

-- category '' is the default for every category without a row of its own in force.
-- The defaults are the law's: posted within 5 working days of the decision, on display
-- for at least 20 consecutive days (DOMAIN.md section 3 point 4). Budget disclosures:
-- the 90-day display is the budget rules' (Thông tư 61/2017/TT-BTC) as reported, kept
-- as data to be checked by the administrator; change it with a new row, never here.
CREATE TABLE disclosure_rules (
    id              INTEGER PRIMARY KEY,
    category        TEXT NOT NULL DEFAULT '',
    effective_from  TEXT NOT NULL,              -- YYYY-MM-DD: decisions of that day on
    post_within     INTEGER NOT NULL,           -- posted within N units after the decision
    post_unit       TEXT NOT NULL,              -- working_days | calendar_days
    display_days    INTEGER NOT NULL,           -- minimum consecutive calendar days on display
    basis           TEXT NOT NULL,
    created_at      TEXT NOT NULL
);
CREATE INDEX disclosure_rules_from ON disclosure_rules(category, effective_from);
INSERT INTO disclosure_rules (category, effective_from, post_within, post_unit, display_days, basis, created_at) VALUES
    ('', '2023-07-01', 5, 'working_days', 20, 'Luật Thực hiện dân chủ ở cơ sở số 10/2022/QH15, chương III (công khai trong cơ quan): chậm nhất 05 ngày làm việc; niêm yết ít nhất 20 ngày liên tục', '2023-07-01T00:00:00Z'),
    ('ngan-sach', '2023-07-01', 5, 'working_days', 90, 'Luật 10/2022/QH15, chương III; thời gian niêm yết công khai ngân sách ít nhất 90 ngày theo Thông tư 61/2017/TT-BTC (cần đối chiếu khi văn bản thay đổi)', '2023-07-01T00:00:00Z');

CREATE TABLE disclosures (
    id              INTEGER PRIMARY KEY,
    unit_id         INTEGER NOT NULL REFERENCES units(id),    -- the agency (cơ quan)
    unit_path       TEXT NOT NULL,
    category        TEXT NOT NULL REFERENCES disclosure_categories(code),
    title           TEXT NOT NULL,
    summary         TEXT NOT NULL DEFAULT '',
    decision_no     TEXT NOT NULL,                             -- '15/QĐ-STP'
    decision_on     TEXT NOT NULL,                             -- YYYY-MM-DD
    signer          TEXT NOT NULL DEFAULT '',
    document_id     INTEGER REFERENCES gov_documents(id),      -- the documents registry, when it is there
    forms           TEXT NOT NULL,                             -- comma separated: niem-yet,hoi-nghi,van-ban,mang-noi-bo
    rule_id         INTEGER NOT NULL REFERENCES disclosure_rules(id),
    due_on          TEXT NOT NULL,                             -- last day to post, from the rule in force on decision_on
    display_days    INTEGER NOT NULL,                          -- the rule's minimum display, kept with the item
    posted_on       TEXT NOT NULL DEFAULT '',
    taken_down_on   TEXT NOT NULL DEFAULT '',
    lead_id         INTEGER NOT NULL REFERENCES people(id),    -- the person answerable
    reminded_at     TEXT NOT NULL DEFAULT '',                  -- overdue reminder sent
    search_fold     TEXT NOT NULL DEFAULT '',
    created_by      INTEGER REFERENCES users(id),
    created_at      TEXT NOT NULL,
    updated_at      TEXT NOT NULL
);
CREATE INDEX disclosures_path ON disclosures(unit_path, decision_on);
CREATE INDEX disclosures_unposted ON disclosures(unit_path, due_on) WHERE posted_on = '';
CREATE INDEX disclosures_remind ON disclosures(due_on) WHERE posted_on = '' AND reminded_at = '';

CREATE TABLE disclosure_questions (
    id             INTEGER PRIMARY KEY,
    disclosure_id  INTEGER NOT NULL REFERENCES disclosures(id),
    unit_path      TEXT NOT NULL,
    sender_id      INTEGER NOT NULL REFERENCES users(id),
    kind           TEXT NOT NULL,                 -- question | objection
    content        TEXT NOT NULL,
    answer         TEXT NOT NULL DEFAULT '',
    answered_by    INTEGER REFERENCES users(id),
    answered_at    TEXT NOT NULL DEFAULT '',
    created_at     TEXT NOT NULL
);
CREATE INDEX disclosure_questions_item ON disclosure_questions(disclosure_id, id);
CREATE INDEX disclosure_questions_sender ON disclosure_questions(sender_id, id);
