-- +goose Up
-- Coverage reads a subtree's agencies and committees (units_kind_path) and probes each
-- unit's round targets and recommendations by unit id. By path instead, the whole tree
-- read every target of every cell's supervision (48.683 rows, then three primary-key
-- lookups each): 0,33 s of CPU on SQLite at national size (100.000 units, 30.753
-- rounds, 92.740 recommendations); by unit id 37 ms (docs/PERFORMANCE.md).
CREATE INDEX inspection_round_targets_unit ON inspection_round_targets(unit_id, round_id);
CREATE INDEX inspection_recommendations_target ON inspection_recommendations(target_id, round_id, task_id, carried);

-- +goose Down
DROP INDEX inspection_recommendations_target;
DROP INDEX inspection_round_targets_unit;
