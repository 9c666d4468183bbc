# Two stages: build wheels with the compilers, run from a slim image as a non-root user.
# The versions are requirements.lock's (what the tests passed with); the bot is its own wheel,
# which carries its texts, migrations and every other file it reads.
FROM python:3.11-slim AS build
WORKDIR /src
RUN apt-get update && apt-get install -y --no-install-recommends gcc \
    && rm -rf /var/lib/apt/lists/*
COPY requirements.lock ./
RUN pip wheel --no-cache-dir --wheel-dir /wheels -r requirements.lock
COPY . ./
RUN pip wheel --no-cache-dir --no-deps --wheel-dir /wheels/bot .

FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 DATA_DIR=/data
RUN useradd --create-home --uid 10001 bot && mkdir /data && chown bot:bot /data
COPY --from=build /wheels /wheels
COPY requirements.lock /wheels/
RUN pip install --no-cache-dir --no-index --find-links /wheels -r /wheels/requirements.lock \
    && pip install --no-cache-dir --no-index --no-deps /wheels/bot/*.whl \
    && rm -rf /wheels
WORKDIR /data
USER bot
EXPOSE 8080
HEALTHCHECK --interval=30s --timeout=5s --retries=3 \
    CMD python -c "import urllib.request,sys; sys.exit(0 if urllib.request.urlopen('http://127.0.0.1:8080/health', timeout=4).status == 200 else 1)"
CMD ["python", "-m", "bot", "webhook"]
