"""Following a live Asterisk queue_log file: through rotation, with a checkpoint.

:class:`FileTail` reads complete lines by inode; :class:`CheckpointFile` keeps the position
and the translator's memory together; :func:`follow` runs the loop.
"""

from ingest_service.queue_log_follow.checkpoint import Checkpoint, CheckpointFile
from ingest_service.queue_log_follow.follower import FollowStats, follow
from ingest_service.queue_log_follow.tail import FileTail, Position

__all__ = ["Checkpoint", "CheckpointFile", "FileTail", "FollowStats", "Position", "follow"]
