# The app image (Python 3.11): action server, widget service, Telegram bot, review app.
# Build from the repository root after `make build` (the image carries build/: the e5 model, the
# index, the language detector):
#   docker build -f deploy/docker/Dockerfile.app -t tendik-app .
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1 \
    HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1 TOKENIZERS_PARALLELISM=false \
    TENDIK_DATA_DIR=/data TENDIK_LANGID_MODEL=/app/build/langid.json

# DejaVu fonts for the PDF drafts (every Kazakh letter)
RUN apt-get update && apt-get install -y --no-install-recommends fonts-dejavu-core \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --system --uid 10001 --home-dir /app --shell /usr/sbin/nologin tendik \
    && mkdir -p /data && chown tendik /data && chmod 0700 /data

WORKDIR /app
COPY requirements/app.lock.txt requirements/app.lock.txt
RUN pip install -r requirements/app.lock.txt
COPY pyproject.toml README.md ./
COPY tendik/ tendik/
COPY knowledge/ knowledge/
COPY nlu_data/ nlu_data/
COPY build/langid.json build/langid.json
COPY build/situation-model.npz build/situation-model.npz
COPY build/index/ build/index/
COPY build/models/ build/models/
# editable, without dependencies (the lock pins them): tendik.paths finds knowledge/ and build/ here
RUN pip install --no-deps --no-build-isolation -e .

USER 10001
# The command is chosen by the service: tendik-actions / tendik-web / tendik-telegram --webhook.
CMD ["tendik-web"]
