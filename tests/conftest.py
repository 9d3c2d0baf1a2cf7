"""Fixtures shared across test folders: fake EWS and Graph servers and an aiosmtpd relay."""

pytest_plugins = ("tests.fixtures.ews_server", "tests.fixtures.graph_server", "tests.fixtures.smtp_server")
