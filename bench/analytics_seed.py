#!/usr/bin/env python3
"""Seeds a Parley SQLite database with MESSAGES messages (default 1,000,000) for one tenant, straight
through the real schema: conversations of 10 messages over the last DAYS days, intents, bot response
times, escalations (status and the pipeline's metadata marker), agent replies, endings and ratings.
Usage: analytics_seed.py DB_PATH TENANT_ID AGENT_USER_ID [MESSAGES] [DAYS]"""
import random, sqlite3, sys, uuid
from datetime import datetime, timedelta, timezone

db_path, tenant, agent = sys.argv[1], sys.argv[2].upper(), sys.argv[3].upper()
total = int(sys.argv[4]) if len(sys.argv) > 4 else 1_000_000
days = int(sys.argv[5]) if len(sys.argv) > 5 else 90
rng = random.Random(42)
intents = ["refund", "order_status", "opening_hours", "password_reset", "shipping", "billing", "cancel_order", "complaint",
           "greeting", "goodbye", "product_info", "payment_failed", "account_locked", "delivery_delay", "returns", "discount",
           "warranty", "store_locator", "human_agent", "feedback"]
customers = [str(uuid.uuid4()).upper() for _ in range(5000)]
now = datetime.now(timezone.utc).replace(tzinfo=None)
fmt = lambda d: d.strftime("%Y-%m-%d %H:%M:%S.%f")

con = sqlite3.connect(db_path, timeout=60)
con.execute("PRAGMA journal_mode=WAL")
con.execute("PRAGMA synchronous=OFF")
conversations, messages, feedback = [], [], []
per = 10
for c in range(total // per):
    cid = str(uuid.uuid4()).upper()
    start = now - timedelta(seconds=rng.uniform(0, days * 86400))
    customer = rng.choice(customers)
    escalated = rng.random() < 0.08
    status = "escalated" if escalated and rng.random() < 0.5 else ("ended" if rng.random() < 0.6 else "active")
    t = start
    for s in range(1, per + 1):
        t = t + timedelta(seconds=rng.uniform(2, 40))
        mid = str(uuid.uuid4()).upper()
        if s % 2 == 1:
            messages.append((mid, tenant, cid, s, "user", customer, "customer message", rng.choice(intents), round(rng.uniform(0.2, 0.99), 3), "{}", None, 0, fmt(t)))
        elif escalated and s == per:
            messages.append((mid, tenant, cid, s, "agent", agent, "agent reply", None, None, "{}", None, 0, fmt(t)))
        else:
            meta = '{"escalation_needed":true}' if escalated and s == per - 2 else '{"escalation_needed":false}'
            messages.append((mid, tenant, cid, s, "bot", None, "bot answer", None, round(rng.uniform(0.3, 0.99), 3), meta, round(rng.uniform(20, 900), 3), 1 if rng.random() < 0.2 else 0, fmt(t)))
            if rng.random() < 0.04:
                feedback.append((str(uuid.uuid4()).upper(), tenant, mid, cid, rng.randint(1, 5), fmt(t + timedelta(seconds=30))))
    ended = fmt(t + timedelta(seconds=60)) if status == "ended" else None
    conversations.append((cid, tenant, customer, "Seeded conversation", status, per, per, fmt(start), fmt(t), fmt(t), ended))
    if len(messages) >= 100_000:
        con.executemany("INSERT INTO conversations (id, tenant_id, customer_id, title, status, message_count, last_sequence, created_at, updated_at, last_message_at, ended_at) VALUES (?,?,?,?,?,?,?,?,?,?,?)", conversations)
        con.executemany("INSERT INTO messages (id, tenant_id, conversation_id, sequence, message_type, sender_id, content, intent, confidence, metadata, response_time_ms, cached, created_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)", messages)
        con.executemany("INSERT INTO message_feedback (id, tenant_id, message_id, conversation_id, rating, created_at) VALUES (?,?,?,?,?,?)", feedback)
        con.commit()
        conversations, messages, feedback = [], [], []
if messages:
    con.executemany("INSERT INTO conversations (id, tenant_id, customer_id, title, status, message_count, last_sequence, created_at, updated_at, last_message_at, ended_at) VALUES (?,?,?,?,?,?,?,?,?,?,?)", conversations)
    con.executemany("INSERT INTO messages (id, tenant_id, conversation_id, sequence, message_type, sender_id, content, intent, confidence, metadata, response_time_ms, cached, created_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)", messages)
    con.executemany("INSERT INTO message_feedback (id, tenant_id, message_id, conversation_id, rating, created_at) VALUES (?,?,?,?,?,?)", feedback)
    con.commit()
print(con.execute("SELECT count(*) FROM messages").fetchone()[0])
