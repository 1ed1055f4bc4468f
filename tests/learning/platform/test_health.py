import learning.platform.health


def test_healthz_reports_database_and_queue(client, db):
    response = client.get("/healthz")
    assert response.status_code == 200
    # API.md's body exactly, with or without Redis configured: clients compare it whole.
    assert response.json() == {"status": "ok", "database": "ok", "queue": "ok"}


def test_healthz_is_503_naming_the_failing_part(client, db, monkeypatch):
    class BrokenConnection:
        def cursor(self):
            raise OSError("connection refused")

    monkeypatch.setattr(learning.platform.health, "connection", BrokenConnection())
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["database"] == "error"
    assert response.json()["queue"] == "ok"


def test_healthz_reuses_one_redis_broker_per_process(client, db, settings, monkeypatch):
    brokers = []

    class Broker:
        def ping(self):
            return True

    def get_broker():
        brokers.append(Broker())
        return brokers[-1]

    monkeypatch.setattr("django_q.brokers.get_broker", get_broker)
    settings.Q_CLUSTER = {**settings.Q_CLUSTER, "redis": "redis://127.0.0.1:6379/0"}
    learning.platform.health._broker.cache_clear()
    try:
        assert client.get("/healthz").status_code == 200
        assert client.get("/healthz").status_code == 200
    finally:
        learning.platform.health._broker.cache_clear()
    assert len(brokers) == 1
