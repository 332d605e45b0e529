"""Writes bench/floor_queries.tsv: 200 queries that should find nothing on a science and
technology cooperation registry, for bench/floor_bench.py. Half are random letter strings in
the scripts of the six languages (Latin, Cyrillic, Arabic, Chinese characters), half are
phrases of unrelated domains (cooking, sport, fashion, games, celebrity, horoscopes) in
Arabic, Chinese, English, French, Russian and Spanish. Deterministic (seeded).

    .venv/bin/python bench/make_floor_queries.py
"""

import random
from pathlib import Path

OUT = Path(__file__).resolve().parent / "floor_queries.tsv"
ALPHABETS = {
    "latin": "abcdefghijklmnopqrstuvwxyz",
    "cyrillic": "абвгдежзийклмнопрстуфхцчшщыэюя",
    "arabic": "ابتثجحخدذرزسشصضطظعغفقكلمنهوي",
    # common characters, so that a string looks like text but means nothing
    "cjk": "的一是不了人我在有他这中大来上个国到说们为子和你地出道也时年得就那要下以生会自着去之过家学对可"
    "她里后小么心多天而能好都然没日于起还发成事只作当想看文无开手十用主行方又如前所本见经头面公同三已老从动两长",
}
OFF_TOPIC = {
    "en": [
        "chocolate cake recipe",
        "football transfer rumours",
        "wedding dress sale",
        "poker bluffing tips",
        "celebrity gossip",
        "horoscope for leo",
        "cheap flights to paris tonight",
        "karaoke songs list",
        "nail polish colours",
        "lottery winning numbers",
        "best pizza toppings",
        "video game cheat codes",
        "fantasy football draft",
        "tattoo designs",
        "dog grooming salon",
        "birthday party balloons",
        "lipstick shades",
    ],
    "fr": [
        "recette de crêpes",
        "maquillage des yeux",
        "résultats du loto",
        "horoscope du jour",
        "robe de mariée pas chère",
        "blagues drôles",
        "coiffure tendance",
        "jeux de cartes belote",
        "potins des stars",
        "soldes chaussures",
        "gâteau au chocolat",
        "tricot pour débutants",
        "paroles de chansons d'amour",
        "idées cadeaux anniversaire",
        "vernis à ongles",
        "pétanque règles",
        "menu du réveillon",
    ],
    "es": [
        "receta de paella",
        "chismes de famosos",
        "horóscopo de hoy",
        "vestidos de fiesta baratos",
        "trucos de videojuegos",
        "resultados de la lotería",
        "chistes cortos",
        "peinados de moda",
        "fichajes del mercado de fútbol",
        "maquillaje de ojos",
        "fiesta de cumpleaños infantil",
        "telenovela capítulo final",
        "uñas decoradas",
        "letras de canciones de reguetón",
        "tarta de queso",
        "juegos de cartas",
        "tatuajes pequeños",
    ],
    "ru": [
        "рецепт борща",
        "гороскоп на завтра",
        "сплетни о звёздах",
        "свадебное платье",
        "анекдоты смешные",
        "результаты лотереи",
        "прически модные",
        "маникюр дизайн",
        "сериал последняя серия",
        "футбольные трансферы",
        "торт наполеон",
        "игра в карты дурак",
        "подарки на день рождения",
        "караоке песни",
        "татуировки эскизы",
        "макияж глаз",
        "скидки на обувь",
    ],
    "ar": [
        "وصفة الكنافة",
        "أخبار المشاهير",
        "برج الأسد اليوم",
        "فساتين سهرة",
        "نكت مضحكة",
        "نتائج اليانصيب",
        "قصات شعر",
        "طلاء الأظافر",
        "مسلسل الحلقة الأخيرة",
        "انتقالات لاعبي كرة القدم",
        "كعكة الشوكولاتة",
        "ألعاب الورق",
        "هدايا عيد ميلاد",
        "أغاني حب",
        "وشم صغير",
        "مكياج العيون",
        "تخفيضات الأحذية",
    ],
    "zh": [
        "红烧肉做法",
        "明星八卦",
        "今日星座运势",
        "婚纱礼服",
        "搞笑段子",
        "彩票开奖结果",
        "流行发型",
        "美甲图片",
        "电视剧大结局",
        "足球转会传闻",
        "巧克力蛋糕",
        "斗地主技巧",
        "生日礼物推荐",
        "卡拉OK歌曲",
        "纹身图案",
        "眼妆教程",
        "鞋子打折",
    ],
}


def random_strings(rng: random.Random, count: int) -> list[tuple[str, str]]:
    rows = []
    scripts = list(ALPHABETS)
    for n in range(count):
        script = scripts[n % len(scripts)]
        letters = ALPHABETS[script]
        length = rng.randint(2, 4) if script == "cjk" else rng.randint(5, 10)
        words = rng.choice([1, 1, 2]) if script != "cjk" else 1
        text = " ".join("".join(rng.choice(letters) for _ in range(length)) for _ in range(words))
        rows.append((f"random-{script}", text))
    return rows


def main() -> None:
    rng = random.Random(19)
    rows = random_strings(rng, 100)
    phrases = [(f"off-topic-{lang}", phrase) for lang, phrases in OFF_TOPIC.items() for phrase in phrases]
    rows += rng.sample(phrases, 100)
    OUT.write_text("".join(f"{kind}\t{text}\n" for kind, text in rows), encoding="utf-8")
    print(f"{len(rows)} queries written to {OUT}")


if __name__ == "__main__":
    main()
