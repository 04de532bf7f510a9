"""E-mail tasks: the received mail rendered safely, the agent's reply draft, and the one
reply a task may send (``render``, ``drafts``, ``send``, ``detail``)."""
