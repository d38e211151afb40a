-- Indexes for statements that would otherwise walk a whole table: the cron's clean-ups, which
-- run every minute, and the operator's search. benches/scale.mjs times them against
-- stores of 1k to 100k calls; tests/worker/round-trips.test.mjs checks every plan.

-- The cron forgets rate-limit rows by age alone; (bucket, at) cannot find them.
CREATE INDEX rate_events_at ON rate_events (at);

-- The cron forgets notifications delivered or dead a week ago: the same expression as its DELETE.
CREATE INDEX outbox_done ON outbox (COALESCE(delivered_at, dead_at))
  WHERE COALESCE(delivered_at, dead_at) IS NOT NULL;

-- The cron masks numbers past MASK_AFTER_DAYS. By creation time alone it would step through
-- every call already masked (two months of calls, every minute) to find none; this index holds
-- only the numbers still whole.
CREATE INDEX calls_unmasked ON calls (created_at) WHERE masked_at IS NULL;

-- The operator's search, by a number's last digits (`phone LIKE '%3210'`) or by name
-- (`lead_name LIKE '%priya%'`), can use no index to find its rows: it walks the calls newest
-- first, and counts them all. With both columns in the index it reads each number and name
-- from there, and only the matches from the table (several times less work at 100k calls).
-- It is still a walk over every call; see BENCHMARKS.md, "Scale".
DROP INDEX calls_created;
CREATE INDEX calls_created_search ON calls (created_at, phone, lead_name);
