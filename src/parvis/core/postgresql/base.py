"""PostgreSQL as Django has it, with a health check that costs no round trip.

With ``CONN_HEALTH_CHECKS`` (settings), Django checks a persistent connection when a request
first uses it by sending ``SELECT 1``: one round trip to PostgreSQL on every request, a fifth
of a public page's queries. Here the check reads what the client already knows: a connection
that libpq knows to be bad, or whose socket has something to read while no query runs, is
closed and opened anew, as Django does after a failed ``SELECT 1``. Something to read on an
idle connection is PostgreSQL saying it ends it (a restart, ``idle_session_timeout``,
``pg_terminate_backend``) or the end of the stream; nothing else is sent unasked (Parvis does
not ``LISTEN``). A connection whose server vanished without a word (a cut network) is found
out by its first query, as it would be by ``SELECT 1``'s. Inside a transaction, Django's
check runs as it is.
"""

import select

from django.db.backends.postgresql import base
from psycopg import pq

#: Prepared statements a connection keeps (psycopg keeps 100, and drops the least recently used
#: beyond): the long tail's pages run a few hundred distinct queries (lists of keys of
#: different lengths are distinct texts), each plan about 140 kB in its PostgreSQL backend: at
#: most about 42 MB a connection.
PREPARED_MAX = 300


class DatabaseWrapper(base.DatabaseWrapper):
    def get_new_connection(self, conn_params):
        connection = super().get_new_connection(conn_params)
        if conn_params.get("prepare_threshold") is not None:
            connection.prepared_max = PREPARED_MAX
        return connection

    def is_usable(self):
        connection = self.connection
        if connection is None or connection.closed or connection.broken:
            return False
        if connection.pgconn.transaction_status != pq.TransactionStatus.IDLE:
            return super().is_usable()
        try:
            readable, _, _ = select.select([connection.fileno()], [], [], 0)
        except (OSError, ValueError):  # the socket is gone
            return False
        return not readable
