FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1
WORKDIR /app
COPY pyproject.toml ./
COPY bzpeer ./bzpeer
COPY profiles ./profiles
COPY works ./works
COPY graph ./graph
COPY collaboration ./collaboration
RUN pip install --no-cache-dir .
COPY . .
EXPOSE 8000
CMD ["gunicorn", "bzpeer.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3"]
