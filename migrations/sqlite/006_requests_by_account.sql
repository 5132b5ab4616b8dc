-- GET /api/requests lists an account's requests: those it filed and the
-- transfers passing to it, the ones awaiting its confirmation first of all
-- (Art. 16).  Without these both were a walk of the whole table.
CREATE INDEX requests_filed_by ON requests(filed_by);
CREATE INDEX requests_counterparty ON requests(counterparty_id, state);
