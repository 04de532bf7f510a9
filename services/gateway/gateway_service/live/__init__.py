"""Live updates: the agent's task changes and caption lines over Server-Sent Events."""
