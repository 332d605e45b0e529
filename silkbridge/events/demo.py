# ruff: noqa: E501  (demo texts: one record a line reads better than wrapped strings)
"""The demo conference of `make run`: an invented exchange conference a month ahead, marked
as demo data like the other demo records ("(demo)" in its title, venue and every name,
e-mail addresses at demo.silkbridge.invalid), with categories, rooms and a small programme,
participants in the meeting directory, meeting requests in every state and a published
set of meetings, so that the conference pages (programme, directory, schedule, agendas,
badges, check-in, report) show something.

Written straight to the tables, as an import is (no e-mails, no audit entries), except for
the event itself and the meetings, which go through the domain so that its rules hold."""

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.db import transaction
from django.utils import timezone

from silkbridge.accounts.models import User
from silkbridge.events import domain
from silkbridge.events.enums import DeclineReason, RegistrationStatus, RequestStatus
from silkbridge.events.models import Event, MeetingRequest, Registration, Session

SLUG = "demo-exchange-conference"
ZONE = "Asia/Shanghai"
ORGANISER = "organiser@demo.silkbridge.invalid"
# demo accounts (registry/demo.py) who take part, so that signing in shows an agenda
ACCOUNTS = ["member@demo.silkbridge.invalid", "editor@demo.silkbridge.invalid"]

# (name, organisation, country, category, what they offer and seek)
PEOPLE = [
    (
        "Amina Otieno (demo)",
        "Kenya Agricultural Research Institute (demo)",
        "KE",
        "scholar",
        "Offers drought-tolerant sorghum lines; seeks partners for field trials.",
    ),
    (
        "Li Wei (demo)",
        "Northwest A&F University (demo)",
        "CN",
        "scholar",
        "Offers drip irrigation know-how; seeks trial sites in dry regions.",
    ),
    (
        "Nurlan Abenov (demo)",
        "Ministry of Science of Kazakhstan (demo)",
        "KZ",
        "official",
        "Seeks joint laboratories in renewable energy.",
    ),
    (
        "Sofía Quispe (demo)",
        "Andean Solar Cooperative (demo)",
        "PE",
        "entrepreneur",
        "Seeks solar mini-grid technology and training for technicians.",
    ),
    (
        "Karim Haddad (demo)",
        "Jordan Rangeland Centre (demo)",
        "JO",
        "scholar",
        "Offers rangeland restoration methods; seeks satellite monitoring.",
    ),
    (
        "Fatou Diop (demo)",
        "Dakar Vegetable Growers (demo)",
        "SN",
        "entrepreneur",
        "Seeks low-cost irrigation for small farms.",
    ),
    (
        "Chen Jing (demo)",
        "Xi'an Institute of Optics (demo)",
        "CN",
        "scholar",
        "Offers satellite crop mapping; seeks partners with ground data.",
    ),
    (
        "Aziz Karimov (demo)",
        "Uzbek Ministry of Agriculture (demo)",
        "UZ",
        "official",
        "Seeks drought monitoring from satellite images.",
    ),
    (
        "Grace Mwakyusa (demo)",
        "Ifakara Health Institute (demo)",
        "TZ",
        "scholar",
        "Offers a malaria vector resistance kit; seeks national programmes.",
    ),
    (
        "Rahim Chowdhury (demo)",
        "Bangladesh Rice Research Institute (demo)",
        "BD",
        "scholar",
        "Seeks salt-tolerant rice varieties to test in coastal deltas.",
    ),
    ("Olena Petrenko (demo)", "Science Daily Silk Road (demo)", "UA", "media", ""),
    (
        "Bat-Erdene Gantulga (demo)",
        "Mongolian Pasture Union (demo)",
        "MN",
        "entrepreneur",
        "Seeks methods to reseed degraded grassland.",
    ),
]

# (title in English, in Chinese, room, day (0 or 1), start, end, track, speaker indexes)
PROGRAMME = [
    (
        "Opening plenary: science without borders",
        "开幕全体会议：科学无国界",
        "Great Hall",
        0,
        time(9, 0),
        time(10, 0),
        "Plenary",
        [2],
    ),
    ("Water for dry lands", "旱地用水", "Room A", 0, time(10, 30), time(12, 0), "Agriculture", [1, 5]),
    ("Energy for remote villages", "偏远村庄的能源", "Room B", 0, time(10, 30), time(12, 0), "Energy", [3]),
    ("Seeing crops from space", "从太空看农作物", "Room A", 0, time(14, 0), time(15, 30), "Agriculture", [6, 7]),
    ("Health research networks", "卫生研究网络", "Room B", 0, time(14, 0), time(15, 30), "Health", [8]),
]

# (requester, recipient, status, reason); index 12 and 13 are the demo accounts
REQUESTS = [
    (5, 1, RequestStatus.ACCEPTED, "Drip irrigation for our growers"),
    (7, 6, RequestStatus.ACCEPTED, "Drought monitoring by satellite"),
    (3, 2, RequestStatus.ACCEPTED, "A joint solar laboratory"),
    (11, 4, RequestStatus.ACCEPTED, "Restoring grassland"),
    (9, 0, RequestStatus.ACCEPTED, "Field trials of sorghum and rice"),
    (12, 0, RequestStatus.ACCEPTED, "Sorghum trials"),
    (13, 6, RequestStatus.ACCEPTED, "Crop maps"),
    (12, 8, RequestStatus.PENDING, "Malaria research"),
    (1, 12, RequestStatus.PENDING, "Irrigation"),
    (10, 2, RequestStatus.DECLINED, "An interview"),
    (4, 6, RequestStatus.ACCEPTED, "Satellite images of rangeland"),
]
# (request index, slot index, table index): the published schedule; request 10 is left to the scheduler
MEETINGS = [(0, 0, 0), (1, 0, 1), (2, 1, 0), (3, 1, 1), (4, 2, 0), (5, 3, 0), (6, 3, 1)]


def _organiser() -> User:
    user = User.objects.filter(email=ORGANISER).first()
    if user is None:
        user = User.objects.create_user(ORGANISER, None, display_name="Demo organiser (demo)", email_confirmed=True)
    User.objects.filter(pk=user.pk).update(is_event_organiser=True)
    return user


def _slots(day: date) -> list[tuple[datetime, datetime]]:
    zone = ZoneInfo(ZONE)
    starts = [datetime.combine(day, time(9, 0), zone) + timedelta(minutes=20 * n) for n in range(8)]
    return [(start, start + timedelta(minutes=20)) for start in starts]


def _event(organiser: User, first_day: date) -> Event:
    data = {
        "slug": SLUG, "starts_on": first_day, "ends_on": first_day + timedelta(days=1), "time_zone": ZONE,
        "venue": "Xi'an International Conference Centre (demo)", "languages": ["en", "zh-hans", "ru"],
        "titles": {"en": "Silk Road S&T Exchange Conference (demo)", "zh-hans": "丝绸之路科技交流大会（演示）",
                   "ru": "Конференция по научно-техническому обмену «Шёлковый путь» (демо)"},
        "descriptions": {"en": "Demo data: an invented conference, to show the conference pages.",
                         "zh-hans": "演示数据：虚构的会议，用于展示会议页面。",
                         "ru": "Демонстрационные данные: вымышленная конференция."},
        "request_cap": 10, "self_booking_open": True,
    }  # fmt: skip
    categories = {"official": 100, "scholar": 200, "entrepreneur": 200, "media": 20, "staff": None}
    return domain.save_event(
        Event(), data=data, categories=categories, slots=_slots(first_day + timedelta(days=1)), table_count=6,
        actor=organiser,
    )  # fmt: skip


def _registrations(event: Event) -> list[Registration]:
    categories = {c.category: c for c in event.categories.all()}
    rows = [
        Registration(event=event, name=name, organisation_name=org, country=country, category=categories[cat],
                     status=RegistrationStatus.CONFIRMED, b2b_opt_in=bool(pitch), pitch=pitch,
                     email=f"participant{n}@demo.silkbridge.invalid")
        for n, (name, org, country, cat, pitch) in enumerate(PEOPLE)
    ]  # fmt: skip
    for email in ACCOUNTS:
        user = User.objects.filter(email=email).first()
        if user is not None:
            rows.append(Registration(event=event, user=user, name=user.public_name, category=categories["scholar"],
                                     status=RegistrationStatus.CONFIRMED, b2b_opt_in=True,
                                     pitch="Demo account: sign in to see this agenda."))  # fmt: skip
    for row in rows:  # one by one: each draws its own badge secret
        row.save()
    return rows


def _programme(event: Event, people: list[Registration], organiser: User) -> None:
    zone = ZoneInfo(ZONE)
    for en, zh, room, day, start, end, track, speakers in PROGRAMME:
        on = event.starts_on + timedelta(days=day)
        data = {"titles": {"en": f"{en} (demo)", "zh-hans": f"{zh}（演示）"}, "room": room, "track": track,
                "language": "en", "starts_at": datetime.combine(on, start, zone), "ends_at": datetime.combine(on, end, zone)}  # fmt: skip
        domain.save_session(Session(event=event), data=data, speakers=[people[i] for i in speakers], actor=organiser)
    domain.publish_programme(event, actor=organiser)  # the public programme is its published version


def _meetings(event: Event, people: list[Registration], organiser: User) -> None:
    now = timezone.now()
    requests = []
    for requester, recipient, status, reason in REQUESTS:
        if max(requester, recipient) >= len(people):
            continue  # a demo account that does not exist
        answered = None if status == RequestStatus.PENDING else now
        decline = DeclineReason.NO_TIME if status == RequestStatus.DECLINED else ""
        requests.append(MeetingRequest.objects.create(
            event=event, requester=people[requester], recipient=people[recipient], status=status,
            reason=f"{reason} (demo)", decline_reason=decline, answered_at=answered,
            expires_at=now + timedelta(hours=event.request_expiry_hours) if answered is None else None,
        ))  # fmt: skip
    slots, tables = list(event.slots.order_by("starts_at")), list(event.tables.order_by("position", "id"))
    for request_index, slot_index, table_index in MEETINGS:
        if request_index < len(requests) and requests[request_index].status == RequestStatus.ACCEPTED:
            domain.place_meeting(requests[request_index], slot=slots[slot_index], table=tables[table_index],
                                 actor=organiser, pinned=False)  # fmt: skip
    domain.publish_schedule(event, actor=organiser)


@transaction.atomic
def seed_conference(*, today: date | None = None) -> Event | None:
    """Create the demo conference, its first day 30 days after `today`; idempotent: an event
    with the demo slug is kept as it is (None is returned)."""
    if Event.objects.filter(slug=SLUG).exists():
        return None
    organiser = _organiser()
    event = _event(organiser, (today or timezone.localdate()) + timedelta(days=30))
    people = _registrations(event)
    _programme(event, people, organiser)
    _meetings(event, people, organiser)
    return event
