"""Infrastructure of the whole site, no domain: hand-written SQL, caches, the task
queue, sessions, the database backend, request guards, ids and health.

Domain packages (``learning.accounts.services``, ``learning.points.ledger``, ``exams`` ...) may import
from here; nothing here imports a domain package. Each module's docstring says when a
domain module may use it. A difference between database engines lives here, behind
one function, never as a ``connection.vendor`` branch in domain code.
"""
