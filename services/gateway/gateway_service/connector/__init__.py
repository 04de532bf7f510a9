"""The connector API: tenant API keys and the endpoints CRM flows call with them."""
