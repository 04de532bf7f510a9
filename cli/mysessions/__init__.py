"""The operator's command, ``mysessions``: servers, workers, publishing, views, demo."""
