# Production image for web, worker and beat (see docker-compose.yml).
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PROMPTLY_DATA_DIR=/data PROMPTLY_STATIC_ROOT=/app/staticfiles
WORKDIR /app
COPY pyproject.toml constraints.txt README.md ./
COPY promptly ./promptly
COPY accounts ./accounts
COPY brands ./brands
COPY monitoring ./monitoring
COPY inbox ./inbox
COPY responses ./responses
COPY crisis ./crisis
COPY settings_pages ./settings_pages
RUN pip install --no-cache-dir -c constraints.txt .
COPY . .
RUN useradd --create-home promptly && mkdir -p /data && chown promptly /data
USER promptly
EXPOSE 8000
CMD ["uvicorn", "promptly.asgi:application", "--host", "0.0.0.0", "--port", "8000", "--proxy-headers"]
