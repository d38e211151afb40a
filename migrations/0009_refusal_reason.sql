-- Why Exotel refused a call, where its answer says so (`dnd`, `credentials`, `plan_limit`,
-- `not_found`, `invalid_request`; NULL when it cannot be told), and what became of the request
-- to add the number to the account's DND whitelist (`requested`, `failed`; NULL when none was
-- sent). The table that reads Exotel's answers is worker/src/upstream/reason.rs.
ALTER TABLE calls ADD COLUMN reason TEXT;
ALTER TABLE calls ADD COLUMN whitelist TEXT;
