"""A stand-in Asterisk for tests: AMI events written from app_queue's documentation, and a
TCP server speaking the Asterisk Manager Interface (banner, login, actions, events)."""
