"""The local sandbox: try the bot in a browser with no Telegram and no token.

`python -m bot sandbox` runs a fake Bot API server (botapi.py over state.py), a chat page and its
JSON API (web.py, static/), and the ordinary bot long-polling that server (runner.py).
Nothing happens at import time.
"""
