# ruff: noqa: E501  (demo texts: one listing a line reads better than wrapped strings)
"""Demo offers and needs for `make run`: invented, in several languages, marked is_demo and
"(demo)". Offers and needs come in pairs on one topic, written in different languages, so
that the matches of each listing show cross-language matching at work."""

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from silkbridge.marketplace.models import Listing
from silkbridge.registry.models import Field, Organisation

# (kind, language, title, summary, keywords, trl, ip status, field code, owner country)
LISTINGS = [
    ("offer", "en", "Solar-powered drip irrigation controller", "A low-cost controller that opens drip lines by soil moisture and runs on a small solar panel; field-tested on vegetable farms.", ["irrigation", "solar", "soil moisture"], 7, "patented", "4.1", "CN"),
    ("need", "fr", "Irrigation économe en eau pour petites exploitations", "Une coopérative maraîchère cherche une technologie d'irrigation goutte à goutte pilotée par l'humidité du sol, adaptée aux petites parcelles sans réseau électrique.", ["irrigation", "goutte à goutte"], None, "", "4.1", "SN"),
    ("offer", "zh-hans", "耐盐高产水稻新品种", "经过五年田间试验的耐盐碱高产水稻品种，可授权给种子公司繁育推广。", ["水稻", "育种", "耐盐"], 8, "patented", "4.1", "CN"),
    ("need", "en", "Rice varieties for saline coastal soils", "Farmers in coastal deltas lose harvests to salt intrusion; we seek salt-tolerant rice varieties and partners to test them locally.", ["rice", "salinity", "breeding"], None, "", "4.1", "BD"),
    ("offer", "ru", "Мини-электростанции на солнечных батареях для сёл", "Проект и обучение техников для автономных фотоэлектрических мини-сетей мощностью 20–100 кВт в удалённых сёлах.", ["солнечная энергия", "мини-сеть"], 8, "know_how", "2.2", "KZ"),
    ("need", "es", "Electrificación rural con energía solar", "Un municipio busca socios para diseñar minirredes solares y formar a técnicos locales que las mantengan.", ["energía solar", "minirred", "formación"], None, "", "2.2", "PE"),
    ("offer", "en", "Rapid test for pesticide residues in vegetables", "A paper-strip test that detects organophosphate residues in fifteen minutes without a laboratory; validated against chromatography.", ["food safety", "pesticide", "rapid test"], 6, "pending", "1.4", "KE"),
    ("need", "ar", "كشف متبقيات المبيدات في الخضروات", "مختبر وطني لسلامة الغذاء يبحث عن طرق سريعة ورخيصة للكشف عن متبقيات المبيدات في الأسواق.", ["سلامة الغذاء", "مبيدات"], None, "", "1.4", "EG"),
    ("offer", "fr", "Cartographie des cultures par satellite", "Chaîne de traitement d'images Sentinel-2 qui cartographie les cultures et suit la sécheresse à l'échelle d'un pays, avec formation des équipes.", ["télédétection", "sécheresse", "cartographie"], 7, "open", "1.5", "MA"),
    ("need", "ru", "Мониторинг засухи по спутниковым снимкам", "Министерству сельского хозяйства нужна система мониторинга засухи и посевов по спутниковым данным.", ["дистанционное зондирование", "засуха"], None, "", "1.5", "UZ"),
    ("offer", "es", "Alimento para tilapia a partir de insectos", "Pienso para tilapia con harina de larvas de mosca soldado negra que sustituye la mitad de la harina de pescado.", ["acuicultura", "tilapia", "insectos"], 6, "know_how", "4.2", "MX"),
    ("need", "zh-hans", "罗非鱼低成本饲料", "水产养殖合作社寻求替代鱼粉的低成本罗非鱼饲料技术及合作伙伴。", ["水产养殖", "罗非鱼", "饲料"], None, "", "4.2", "CN"),
    ("offer", "ar", "تقنية إعادة تأهيل المراعي المتدهورة", "طريقة لإعادة بذر المراعي المتدهورة وإدارة الرعي، جُرّبت في مناطق شبه جافة، مع تدريب المرشدين الزراعيين.", ["المراعي", "التصحر"], 7, "open", "4.1", "JO"),
    ("need", "en", "Restoring degraded grassland", "A pastoral region seeks methods and partners to reseed degraded rangeland and plan grazing.", ["grassland", "rangeland", "restoration"], None, "", "4.1", "MN"),
    ("offer", "en", "Malaria vector resistance monitoring kit", "Field kit and training to measure insecticide resistance in mosquito populations, with a data platform for national programmes.", ["malaria", "mosquito", "insecticide resistance"], 6, "pending", "3.3", "TZ"),
    ("need", "fr", "Surveillance de la résistance des moustiques", "Un programme national de lutte contre le paludisme cherche des outils de suivi de la résistance aux insecticides.", ["paludisme", "moustiques"], None, "", "3.3", "BJ"),
    ("offer", "zh-hans", "小型农机具设计与技术转让", "适合丘陵地区小农户的播种机和收割机设计，可技术转让并培训当地制造商。", ["农业机械", "技术转让"], 9, "patented", "2.3", "CN"),
    ("need", "es", "Maquinaria agrícola para pequeños productores", "Una asociación de productores de montaña busca sembradoras y cosechadoras pequeñas que puedan fabricarse localmente.", ["maquinaria", "pequeños productores"], None, "", "2.3", "BO"),
    ("offer", "ru", "Биоудобрения на основе азотфиксирующих бактерий", "Штаммы азотфиксирующих бактерий и технология производства биоудобрений для зерновых культур.", ["биоудобрения", "азотфиксация"], 7, "know_how", "4.1", "RU"),
    ("need", "ar", "أسمدة حيوية للقمح", "تعاونية لزراعة القمح تبحث عن أسمدة حيوية تقلل استخدام الأسمدة الكيميائية.", ["أسمدة حيوية", "القمح"], None, "", "4.1", "TN"),
]  # fmt: skip


def _owner(country: str, fallback: Organisation) -> Organisation:
    return Organisation.objects.filter(country_id=country).order_by("ror_id", "id").first() or fallback


@transaction.atomic
def seed_marketplace() -> int:
    """Idempotent (a listing with the same demo title is kept); returns the number created."""
    fallback = Organisation.objects.order_by("ror_id", "id").first()
    if fallback is None:
        return 0
    now, created = timezone.now(), 0
    for n, (kind, lang, title, summary, keywords, trl, ip, field, country) in enumerate(LISTINGS):
        titles = {lang: f"{title} (demo)"}
        if Listing.objects.filter(is_demo=True, titles=titles).exists():
            continue
        listing = Listing(
            kind=kind, status="published", organisation=_owner(country, fallback), titles=titles,
            summaries={lang: summary}, details={lang: "Demo data: invented details, shown after disclosure."},
            keywords=keywords, trl=trl, ip_status=ip, languages=[lang], is_demo=True,
            cooperation=["licence", "training"] if kind == "offer" else ["joint_development"],
            expires_on=timezone.localdate() + timedelta(days=120 + 10 * n), published_at=now - timedelta(days=n),
        )  # fmt: skip
        listing.refresh_search_text()
        listing.save()
        listing.fields.set(Field.objects.filter(code=field))
        created += 1
    return created
