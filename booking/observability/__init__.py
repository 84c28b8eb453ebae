"""What operators see of a running Tuowei: request ids, logs and Prometheus metrics
(docs/operations.md, "Logs" and "Metrics"). `init_app` wires all three into an app."""


def init_app(app):
    from . import logs, metrics, requests
    logs.configure(app)
    requests.init_app(app)
    metrics.init_app(app)
