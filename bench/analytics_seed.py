#!/usr/bin/env python3
"""Seeds a Parley SQLite database with MESSAGES messages (default 1,000,000) for one tenant, straight
through the real schema and as Parley itself writes them:

- customers and agents are accounts of the tenant (roles user and agent);
- conversations belong to a customer (user_id, customer_id) and hold 1-6 turns: a customer message
  with its detected intent and confidence, then the bot's answer (response time, tokens, 20% from
  the response cache, metadata with escalation_needed/escalation_reason/sentiment);
- 8% are escalated by the turn pipeline (the bot message says escalation_needed: true; status
  escalated, escalated_at, escalation_reason, an escalation ticket); 75% of those are claimed by one
  of the agents (assigned_agent_id, a system message), who replies (agent messages, customer
  messages in between) and then closes (ended), hands back (active) or still holds them;
- 60% of the others end; 4% of bot answers and 30% of agent-handled conversations are rated 1-5.

Ids are UUIDv7 (as Guid.CreateVersion7 makes them) and rows go in in time order, in one transaction.
Usage: analytics_seed.py DB_PATH TENANT_ID ADMIN_USER_ID [MESSAGES] [DAYS]"""
import json, random, sqlite3, sys, time
from itertools import accumulate
from datetime import datetime, timedelta, timezone

db_path, tenant, admin = sys.argv[1], sys.argv[2].upper(), sys.argv[3].upper()
total = int(sys.argv[4]) if len(sys.argv) > 4 else 1_000_000
days = int(sys.argv[5]) if len(sys.argv) > 5 else 90
rng = random.Random(42)
EPOCH = datetime(1970, 1, 1)


def uuid7(at):
    """A UUIDv7 of the moment `at`, upper case as EF Core stores Guids in SQLite."""
    ms = int((at - EPOCH) / timedelta(milliseconds=1))
    value = (ms << 80) | (0x7 << 76) | (rng.getrandbits(12) << 64) | (0b10 << 62) | rng.getrandbits(62)
    h = f"{value:032X}"
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


def ts(at):
    """EF Core's SQLite text for a DateTime: 'yyyy-MM-dd HH:mm:ss.FFFFFFF' (trailing zeros dropped)."""
    text = at.strftime("%Y-%m-%d %H:%M:%S.%f").rstrip("0")
    return text[:-1] if text.endswith(".") else text


# Intents as the built-in classifier names them, skewed like real traffic (a few dominate).
intents = ["order_status", "refund", "shipping", "password_reset", "billing", "opening_hours", "cancel_order", "returns",
           "payment_failed", "delivery_delay", "product_info", "account_locked", "complaint", "greeting", "discount",
           "warranty", "store_locator", "human_agent", "goodbye", "feedback"]
intent_weights = [1 / (i + 1) ** 0.8 for i in range(len(intents))]
channels, channel_weights = ["web", "mobile", "chat", "email", "api"], [50, 25, 15, 5, 5]
reasons = ["requested", "repeated_low_confidence", "negative_sentiment", "human_agent"]
now = datetime.now(timezone.utc).replace(tzinfo=None)
begin = now - timedelta(days=days)
started = time.monotonic()

con = sqlite3.connect(db_path, timeout=60, isolation_level=None)
con.execute("PRAGMA synchronous=OFF")
con.execute("PRAGMA cache_size=-400000")  # 400 MB: index pages stay in memory while they grow
con.execute("PRAGMA temp_store=MEMORY")
con.execute("BEGIN IMMEDIATE")

users = []
def account(role, n):
    at = begin - timedelta(days=1, seconds=rng.uniform(0, 86400))
    uid = uuid7(at)
    email = f"{role}{n:05d}@seed.example.com"
    users.append((uid, tenant, email, email.upper(), f"{role}{n:05d}", f"{role.upper()}{n:05d}", f"Seeded {role} {n}",
                  "!seeded-account-without-password", role, ts(at), ts(at)))
    return uid

customers = [account("user", n) for n in range(5000)]
agents = [account("agent", n) for n in range(12)]
con.executemany("INSERT INTO users (id, tenant_id, email, normalized_email, username, normalized_username, full_name, password_hash, role, created_at, updated_at) "
                "VALUES (?,?,?,?,?,?,?,?,?,?,?)", users)
# Some customers come back far more often than others.
customer_weights = [rng.paretovariate(1.5) for _ in customers]

CONVERSATION_SQL = ("INSERT INTO conversations (id, tenant_id, user_id, customer_id, title, channel, status, message_count, last_sequence, created_at, updated_at, "
                    "last_message_at, ended_at, assigned_agent_id, escalated_at, escalation_reason) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)")
MESSAGE_SQL = ("INSERT INTO messages (id, tenant_id, conversation_id, sequence, message_type, sender_id, content, intent, confidence, metadata, tokens_used, "
               "response_time_ms, cached, created_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)")
FEEDBACK_SQL = "INSERT INTO message_feedback (id, tenant_id, message_id, conversation_id, user_id, rating, created_at) VALUES (?,?,?,?,?,?,?)"
TICKET_SQL = ("INSERT INTO tickets (id, tenant_id, title, description, status, priority, priority_rank, category, source, conversation_id, customer_id, "
              "customer_user_id, assignee_id, created_by, created_at, updated_at, resolved_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)")



def random_start():
    """A moment in the last DAYS days (but two hours ago at the latest, so that no conversation runs into the future), busier around midday."""
    while True:
        at = begin + timedelta(seconds=rng.uniform(0, days * 86400 - 7200))
        if rng.random() < 1 - 0.65 * abs(12 - at.hour) / 12:
            return at


# Conversation starts in time order (about 6.2 messages each); a few more at random times if short.
starts = sorted(random_start() for _ in range(int(total / 6.2)))
customer_cum = list(accumulate(customer_weights))
intent_cum = list(accumulate(intent_weights))
pick_intent = lambda: rng.choices(intents, cum_weights=intent_cum)[0]


def conversation(start):
    """One conversation as the turn pipeline and the handoff feature store it: (conversation, messages, feedback, tickets)."""
    cid = uuid7(start)
    customer = rng.choices(customers, cum_weights=customer_cum)[0]
    turns = rng.choice((1, 1, 2, 2, 3, 3, 4, 5, 6))
    escalate_at = rng.randint(1, turns) if rng.random() < 0.08 else None
    rows, rated, tickets = [], [], []
    state = {"seq": 0, "t": start}

    def message(kind, sender, content, intent=None, confidence=None, metadata="{}", tokens=0, response_ms=None, cached=0, gap=(2, 40)):
        state["seq"] += 1
        state["t"] += timedelta(seconds=rng.uniform(*gap))
        mid = uuid7(state["t"])
        rows.append((mid, tenant, cid, state["seq"], kind, sender, content, intent, confidence, metadata, tokens, response_ms, cached, ts(state["t"])))
        return mid

    def rate(mid, weights, delay):
        at = state["t"] + timedelta(seconds=rng.uniform(5, delay))
        rated.append((uuid7(at), tenant, mid, cid, customer, rng.choices((1, 2, 3, 4, 5), weights)[0], ts(at)))

    title, status, ended_at, agent, escalated_at, reason = None, "active", None, None, None, None
    for turn in range(1, turns + 1):
        intent = pick_intent()
        text = f"Customer question about {intent.replace('_', ' ')}"
        title = title or text
        message("user", customer, text, intent, round(rng.uniform(0.35, 0.99), 4), gap=(5, 90))
        escalating = turn == escalate_at
        reason = rng.choice(reasons) if escalating else None
        cached = 1 if rng.random() < 0.2 else 0
        meta = json.dumps({"engine": "builtin", "escalation_needed": escalating, "escalation_reason": reason, "sentiment": round(rng.uniform(-0.8, 0.9), 3)},
                          separators=(",", ":"))
        bot = message("bot", None, f"Answer about {intent.replace('_', ' ')}", intent, round(rng.uniform(0.3, 0.99), 4), meta,
                      0 if cached else rng.randint(40, 420), round(rng.uniform(3, 40) if cached else rng.uniform(120, 2400), 3), cached, gap=(0.2, 3))
        if rng.random() < 0.04:
            rate(bot, (1, 1, 2, 4, 5), 120)
        if escalating:
            status, escalated_at = "escalated", state["t"]
            break

    ticket_status, assignee, resolved_at = "open", None, None
    if escalated_at is not None and rng.random() < 0.75:
        agent = rng.choice(agents)
        message("system", agent, "An agent has joined the conversation.", gap=(30, 1800))
        assignee, ticket_status = agent, "pending"
        for _ in range(rng.randint(1, 4)):
            last_agent = message("agent", agent, "Agent reply: let me look into this for you.", gap=(10, 240))
            if rng.random() < 0.7:
                message("user", customer, "Customer follow-up", pick_intent(), round(rng.uniform(0.35, 0.99), 4), gap=(10, 300))
        if rng.random() < 0.3:
            rate(last_agent, (1, 1, 1, 3, 5), 300)
        outcome = rng.random()
        if outcome < 0.6:
            message("system", agent, "The agent has closed the conversation.", gap=(5, 120))
            status, ended_at, agent, ticket_status, resolved_at = "ended", state["t"], None, "resolved", state["t"]
        elif outcome < 0.85:
            message("system", agent, "The agent has handed the conversation back to the assistant.", gap=(5, 120))
            status, agent = "active", None
    elif escalated_at is None and rng.random() < 0.6:
        ended_at = state["t"] + timedelta(seconds=rng.uniform(10, 600))
        status = "ended"

    last = state["t"]
    if escalated_at is not None:
        tickets.append((uuid7(escalated_at), tenant, f"Escalated: {title}"[:200], f"Conversation {cid} was escalated to a person ({reason}).", ticket_status,
                        "high", 3, "escalation", "escalation", cid, customer.lower(), customer, assignee, customer, ts(escalated_at), ts(last),
                        ts(resolved_at) if resolved_at else None))
    row = (cid, tenant, customer, customer.lower(), title[:200], rng.choices(channels, channel_weights)[0], status, len(rows), len(rows),
           ts(start), ts(ended_at or last), ts(last), ts(ended_at) if ended_at else None, agent, ts(escalated_at) if escalated_at else None,
           reason if escalated_at else None)
    return row, rows, rated, tickets


conversations, messages, feedback, tickets = [], [], [], []
stored = 0


def flush():
    # Conversations first: messages, feedback and tickets reference them.
    con.executemany(CONVERSATION_SQL, conversations)
    con.executemany(MESSAGE_SQL, messages)
    con.executemany(FEEDBACK_SQL, feedback)
    con.executemany(TICKET_SQL, tickets)
    conversations.clear(); messages.clear(); feedback.clear(); tickets.clear()


def all_starts():
    yield from starts
    while True:
        yield random_start()


for start in all_starts():
    row, rows, rated, opened = conversation(start)
    if stored + len(rows) > total:
        break
    conversations.append(row); messages.extend(rows); feedback.extend(rated); tickets.extend(opened)
    stored += len(rows)
    if len(messages) >= 50_000:
        flush()

flush()
con.execute("COMMIT")
con.execute("PRAGMA optimize")
count, sessions = con.execute("SELECT (SELECT count(*) FROM messages), (SELECT count(*) FROM conversations)").fetchone()
print(f"seeded {stored} messages in {time.monotonic() - started:.1f}s", file=sys.stderr)
print(count, sessions)
