// Package news is the news page of the public portal (trang tin tức): articles (tin, bài)
// written by a unit's editors (biên tập viên, org.EditNews) and approved by its reviewers
// (người duyệt, org.PublishNews, kept apart so that who writes does not publish), the
// categories (chuyên mục) with the home page's order, readers' feedback (phản hồi) held
// for moderation, and "Gửi cho bạn bè".
//
// Terms: Article = tin bài; Lead = sapo; SourceLine = nguồn ("Theo …"); Category =
// chuyên mục; Correction = đính chính; Feedback = phản hồi của bạn đọc; Share = gửi cho
// bạn bè; draft = bản nháp, submitted = chờ duyệt, published = đã đăng (hẹn giờ đăng when
// its time is ahead), unpublished = đã gỡ.
//
// The flow is draft → submitted → published (now, or at a set time: a published row whose
// published_at is ahead, so no job is needed to publish it) → unpublished; a reviewer
// may return a submitted article to draft with remarks. A published article is changed
// only by a reviewer with a correction note, and its history of corrections is kept.
// Every step is audited in its transaction and bumps news_version, from which the public
// pages make their ETags (with the newest visible publication, which moves by itself
// when a scheduled time comes).
//
// Bodies are stored sanitised (Sanitize): a whitelist rebuild of pasted Word HTML. Pictures
// are decoded, reduced to MaxImageWidth and re-encoded (PrepareImage), which drops their
// metadata, then stored through internal/attach under the owner type "news".
package news
