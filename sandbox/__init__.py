"""The local sandbox, a development tool: try the bot in a browser with no Telegram, no MAX and
no token.

`python -m bot sandbox` runs a fake Telegram Bot API server (botapi.py over state.py), a fake MAX
API (max_api.py over the max_* modules), a chat page and its JSON API (web.py, static/), and the
ordinary bot long-polling both (runner.py). The sandbox imports the bot, never the other way
round: production code does not import this package (the import contracts in pyproject.toml
check it; the one exception is the lazy import in `bot.__main__`'s `sandbox` command).
Nothing happens at import time.
"""
