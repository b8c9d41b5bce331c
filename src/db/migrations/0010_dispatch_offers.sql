-- Provider dispatch: how wide a broadcast dispatch offers at once, and the pay its offers announce.

-- broadcast: how many offers are out at the same time (default: open places × 3); sequential ignores it.
ALTER TABLE dispatches ADD COLUMN fanout integer CHECK (fanout > 0);
-- What the provider is paid for the job, shown in the offer (null: the offer does not mention pay).
ALTER TABLE dispatches ADD COLUMN pay_cents bigint CHECK (pay_cents >= 0);
