"""Peewee models and the database they live in."""

from models.access_token import AccessToken
from models.base import BaseModel, bound_database, database_proxy, utc_now
from models.changes import IdempotencyKey, Tombstone
from models.database import open_database, write_transaction
from models.departures import Departure
from models.events import Event, EventTicket, Webhook, WebhookAttempt
from models.lists import TodoList
from models.oauth import OAuthClient, OAuthCode, OAuthConnection, OAuthRefreshToken
from models.reminder import Reminder
from models.task import PRIORITY_NAMES, PRIORITY_RANKS, Task, TaskTag
from models.throttle import LoginThrottle
from models.user import DeletedUser, User

MODELS = (
    User,
    TodoList,
    Task,
    TaskTag,
    LoginThrottle,
    DeletedUser,
    Tombstone,
    IdempotencyKey,
    AccessToken,
    Event,
    EventTicket,
    Webhook,
    WebhookAttempt,
    Reminder,
    Departure,
    OAuthClient,
    OAuthConnection,
    OAuthCode,
    OAuthRefreshToken,
)

__all__ = [
    "MODELS",
    "PRIORITY_NAMES",
    "PRIORITY_RANKS",
    "AccessToken",
    "BaseModel",
    "DeletedUser",
    "Departure",
    "Event",
    "EventTicket",
    "IdempotencyKey",
    "LoginThrottle",
    "OAuthClient",
    "OAuthCode",
    "OAuthConnection",
    "OAuthRefreshToken",
    "Reminder",
    "Task",
    "TaskTag",
    "TodoList",
    "Tombstone",
    "User",
    "Webhook",
    "WebhookAttempt",
    "bound_database",
    "database_proxy",
    "open_database",
    "utc_now",
    "write_transaction",
]
