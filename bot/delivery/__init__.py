"""The outgoing-message pipeline: outbox rows → rate limit → messenger, with retries.

- `deliverer`: the delivery loop (`Deliverer`) that claims due outbox rows, renders them and
  hands them to a sender, urgent first and quiet at night;
- `limits`: how fast and when (`Limits`, the quiet-hours rule);
- `rate_limit`: the windows that keep within a messenger's limits (in process or in Redis);
- `senders`: how one message reaches one chat (`BotSender`, `SendFailed`);
- `retry`: handlers' replies wait out "retry after" instead of failing;
- `broadcast_progress`: the author's progress message of each running broadcast.

Importing the package imports nothing: `bot.settings` reads `limits` without loading aiogram.
"""
