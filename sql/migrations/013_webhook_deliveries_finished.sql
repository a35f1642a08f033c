-- Finished deliveries are forgotten, with their attempts, once older than
-- webhook-keep-days (docs/webhooks.md, "What is kept"). The delivery
-- process looks every few seconds; this index makes a look that finds
-- nothing cost one probe instead of a scan of every delivery kept.
CREATE INDEX webhook_deliveries_finished ON webhook_deliveries (created_at)
    WHERE delivered_at IS NOT NULL OR given_up_at IS NOT NULL;
