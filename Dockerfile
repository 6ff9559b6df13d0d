# Image of the portal for docker-compose.yml (web, worker, beat and migrate share it).
FROM python:3.11-slim-bookworm
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1
WORKDIR /app
COPY scripts/system-packages.sh scripts/
RUN apt-get update -qq && apt-get install -y -qq --no-install-recommends npm \
    && sh scripts/system-packages.sh && rm -rf /var/lib/apt/lists/*
COPY requirements.txt package.json package-lock.json ./
RUN pip install --no-cache-dir -r requirements.txt && npm ci --no-audit --no-fund
COPY . .
# Static files and translations are built into the image; secrets come at run time.
RUN DJANGO_ENV=development python manage.py compilemessages --ignore=node_modules -v 0 \
    && DJANGO_ENV=development python manage.py collectstatic --noinput -v 0
RUN useradd --create-home portal && mkdir -p /data/private && chown portal /data/private
USER portal
EXPOSE 8000
