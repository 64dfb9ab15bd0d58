# ruff: noqa: RUF001 - Russian text: its Cyrillic letters are meant, however Latin they look.
"""Words the traffic generator writes with, in English, Spanish, Russian and Lithuanian.

Each category holds templates; `{brand}` is the brand's name, `{handle}` its @handle, `{item}` a
product, `{order}` an order number, `{city}` a place, `{days}` a number of days.
"""

from __future__ import annotations

LANGUAGES = ("en", "es", "ru", "lt")

ITEMS = {
    "en": ["oat latte", "dark roast beans", "espresso kit", "gift box", "cold brew pack", "ceramic mug"],
    "es": ["café con leche de avena", "granos tostado oscuro", "kit de espresso", "caja regalo", "pack de cold brew"],
    "ru": ["овсяный латте", "зёрна тёмной обжарки", "набор для эспрессо", "подарочный набор", "кружку"],
    "lt": ["avižinį latte", "tamsiai skrudintas pupeles", "espreso rinkinį", "dovanų dėžutę", "puodelį"],
}

CITIES = {
    "en": ["Portland", "Leeds", "Austin", "Dublin", "Toronto"],
    "es": ["Sevilla", "Bogotá", "Valencia", "Lima", "Monterrey"],
    "ru": ["Казани", "Перми", "Самаре", "Туле", "Омске"],
    "lt": ["Kaune", "Klaipėdoje", "Šiauliuose", "Panevėžyje", "Vilniuje"],
}

COMPLAINTS = {
    "en": [
        "{handle} I ordered the {item} and got someone else's parcel. Order {order}. Not impressed.",
        "{handle} wrong order delivered AGAIN. Asked for {item}, received decaf tea bags 🙄",
        "Third time this month {handle} sends me the wrong thing. Order {order}, still waiting for a fix",
        "{handle} your courier left a box that isn't mine and now nobody answers the phone",
        "{handle} paid for express, {days} days later the {item} is still 'processing'. What is going on?",
        "{handle} the {item} arrived broken and the refund form just errors out 😤",
        "{handle} ordered the {item} & a mug, got neither. Order {order} >:(",
    ],
    "es": [
        "{handle} pedí {item} y me llegó el paquete de otra persona. Pedido {order}. Fatal.",
        "{handle} otra vez me entregan un pedido equivocado 😡 ¿alguien lo revisa antes de enviarlo?",
        "{handle} llevo {days} días esperando y el pedido {order} sigue sin aparecer",
        "{handle} el repartidor dejó una caja que no es mía y nadie contesta en atención al cliente",
        "{handle} el {item} llegó roto y no encuentro cómo pedir el reembolso",
    ],
    "ru": [
        "{handle} заказывал {item}, а привезли чужую посылку. Заказ {order}. Очень неприятно.",
        "{handle} уже второй раз привозят не тот заказ 😠 кто-нибудь вообще проверяет?",
        "{handle} жду заказ {order} уже {days} дней, в поддержке молчат",
        "{handle} курьер оставил коробку, которая не моя, а горячая линия не отвечает",
        "{handle} {item} пришёл разбитым, форма возврата выдаёт ошибку",
    ],
    "lt": [
        "{handle} užsisakiau {item}, o gavau svetimą siuntinį. Užsakymas {order}. Labai nemalonu.",
        "{handle} jau antrą kartą atveža ne tą užsakymą 😞 ar kas nors tikrina?",
        "{handle} laukiu užsakymo {order} jau {days} d., klientų aptarnavimas tyli",
        "{handle} kurjeris paliko ne mano dėžę, o telefonu niekas neatsiliepia",
    ],
}

QUESTIONS = {
    "en": [
        "{handle} do you ship to {city}? Can't find it on the checkout page",
        "{handle} is the {item} dairy free? Asking for my sister 🙏",
        "{handle} how do I change the delivery address on order {order}?",
        "{handle} when does the holiday {item} come back in stock?",
        "Hey {handle}, can I pause my subscription for a month?",
        "{handle} is the {item} <200 kcal? & does it come in a 1kg bag?",
    ],
    "es": [
        "{handle} ¿hacéis envíos a {city}? No lo veo en la web",
        "{handle} ¿el {item} lleva lactosa? Gracias 🙏",
        "{handle} ¿cómo cambio la dirección de entrega del pedido {order}?",
        "Hola {handle}, ¿puedo pausar la suscripción un mes?",
    ],
    "ru": [
        "{handle} доставляете ли вы в {city}? На сайте не нашла",
        "{handle} в {item} есть лактоза? Спасибо 🙏",
        "{handle} как поменять адрес доставки для заказа {order}?",
        "{handle} подскажите, можно ли приостановить подписку на месяц?",
    ],
    "lt": [
        "{handle} ar pristatote {city}? Svetainėje neradau",
        "{handle} ar {item} yra be laktozės? Ačiū 🙏",
        "{handle} kaip pakeisti pristatymo adresą užsakymui {order}?",
        "Sveiki {handle}, ar galiu mėnesiui sustabdyti prenumeratą?",
    ],
}

PRAISE = {
    "en": [
        "{handle} the new {item} is unreal ☕️🔥 best thing in my morning",
        "Shout out to {handle} support, sorted my order in ten minutes 👏",
        "{handle} fastest delivery ever, thank you!",
        "{handle} my {item} arrived with a handwritten note 🥹 you made my day",
        "{handle} {item} & a croissant = the perfect morning <3",
    ],
    "es": [
        "{handle} el nuevo {item} está buenísimo ☕️😍",
        "Gracias {handle}, me resolvieron el problema en diez minutos 👏",
        "{handle} ¡entrega rapidísima, gracias!",
        "{handle} {item} & un cruasán -> el desayuno perfecto <3",
    ],
    "ru": [
        "{handle} новый {item} просто огонь ☕️🔥",
        "Спасибо {handle}, поддержка всё решила за десять минут 👏",
        "{handle} самая быстрая доставка, спасибо!",
    ],
    "lt": [
        "{handle} naujas {item} tiesiog nuostabus ☕️😍",
        "Ačiū {handle}, pagalba viską sutvarkė per dešimt minučių 👏",
        "{handle} greičiausias pristatymas, ačiū!",
    ],
}

SPAM = {
    "en": [
        "{handle} 🚀🚀 EARN $500 A DAY from home, DM me now!!! http://crypto-win.example/join",
        "{handle} free followers here ➡️ http://followers4u.example 💯💯",
    ],
    "es": ["{handle} 💰 GANA DINERO desde casa, escríbeme YA http://dinero-facil.example"],
    "ru": ["{handle} 💸 заработок от 5000 в день, пиши в личку http://bystro-dengi.example"],
    "lt": ["{handle} 💶 uždirbk namuose, rašyk man dabar http://greiti-pinigai.example"],
}

# The brand named but not tagged: only keyword search finds these.
UNTAGGED = {
    "en": [
        "{brand} messed up my order again, honestly thinking of switching",
        "anyone else get the wrong parcel from {brand} this week?",
        "Trying the {item} from {brand} today, first impressions soon",
        "{brand} coffee at the {city} airport was the only good thing about this trip",
    ],
    "es": [
        "{brand} me ha vuelto a enviar un pedido equivocado, qué desastre",
        "¿A alguien más le llegó mal el pedido de {brand}?",
        "Probando el {item} de {brand}, luego os cuento",
    ],
    "ru": [
        "{brand} опять перепутали мой заказ, думаю уйти к конкурентам",
        "у кого-нибудь ещё {brand} привёз не тот заказ на этой неделе?",
        "Попробовала {item} от {brand}, очень даже неплохо",
    ],
    "lt": [
        "{brand} vėl supainiojo mano užsakymą, gal laikas keisti",
        "ar dar kam nors {brand} šią savaitę atvežė ne tą siuntinį?",
        "Išbandžiau {item} iš {brand}, visai neblogai",
    ],
}

REPLIES = {
    "en": [
        "{handle} same thing happened to me 😩",
        "{handle} any update on this?",
        "{handle} still nothing, day {days}",
    ],
    "es": ["{handle} a mí me pasó lo mismo 😩", "{handle} ¿alguna novedad?", "{handle} sigo sin respuesta"],
    "ru": ["{handle} у меня то же самое 😩", "{handle} есть новости?", "{handle} до сих пор тишина"],
    "lt": ["{handle} man nutiko tas pats 😩", "{handle} ar yra naujienų?", "{handle} vis dar tyla"],
}

DIRECT = {
    "en": [
        "Hi, my order number is {order}, the parcel had someone else's name on it.",
        "Hello! Could you send me the invoice for order {order}? Thanks",
        "I'd rather not post my address publicly, here it is: 12 Elm Street, {city}",
    ],
    "es": [
        "Hola, mi pedido es el {order}, el paquete venía a nombre de otra persona.",
        "¿Me podéis mandar la factura del pedido {order}?",
    ],
    "ru": ["Здравствуйте, мой заказ {order}, на коробке чужое имя.", "Пришлите, пожалуйста, счёт по заказу {order}"],
    "lt": [
        "Sveiki, mano užsakymas {order}, ant dėžės svetimas vardas.",
        "Gal galite atsiųsti sąskaitą už užsakymą {order}?",
    ],
}

# Sentences strung together for the long posts (Facebook comments, visitor posts, alert summaries).
LONG = {
    "en": [
        "I have been a customer for three years and never had a problem before.",
        "This time the box had a different name on it and none of my items.",
        "I called twice, waited forty minutes each time and the line dropped.",
        "The chat bot keeps sending me to the same help page.",
        "I just want the right order or my money back, that is all.",
    ],
    "es": [
        "Soy cliente desde hace tres años y nunca había tenido un problema.",
        "Esta vez la caja venía con otro nombre y sin ninguno de mis productos.",
        "Llamé dos veces, esperé cuarenta minutos y se cortó la llamada.",
        "Solo quiero mi pedido correcto o que me devuelvan el dinero.",
    ],
    "ru": [
        "Я ваш клиент уже три года, и раньше проблем не было.",
        "В этот раз на коробке было чужое имя и ни одного моего товара.",
        "Звонила дважды, ждала по сорок минут, и связь обрывалась.",
        "Хочу просто получить свой заказ или вернуть деньги.",
    ],
    "lt": [
        "Esu jūsų klientė jau trejus metus ir anksčiau problemų nebuvo.",
        "Šį kartą ant dėžės buvo svetimas vardas ir nė vienos mano prekės.",
        "Skambinau du kartus, laukiau po keturiasdešimt minučių ir ryšys nutrūko.",
        "Noriu tik savo užsakymo arba pinigų grąžinimo.",
    ],
}

PAGE_POSTS = {
    "en": ["Our autumn blend is back ☕🍂", "We're hiring baristas in {city}!", "Weekend deal: 2 for 1 on {item}"],
    "es": ["¡Vuelve nuestra mezcla de otoño! ☕🍂", "Oferta de fin de semana: 2x1 en {item}"],
    "ru": ["Осенний купаж снова в продаже ☕🍂", "Выходные: два {item} по цене одного"],
    "lt": ["Rudeninis mišinys vėl prekyboje ☕🍂", "Savaitgalio pasiūlymas: du {item} už vieno kainą"],
}

HEADLINES = {
    "en": [
        (
            "{brand} recalls a batch of {item} after labelling mix-up",
            "Customers in {city} report receiving the wrong orders",
        ),
        ("Why {brand} keeps shipping the wrong parcels", "Delivery partners and a new warehouse system are blamed"),
        ("{brand} opens its first store in {city}", "The chain plans three more locations this year"),
    ],
    "es": [("{brand} abre su primera tienda en {city}", "La cadena planea tres locales más este año")],
    "ru": [("{brand} открывает первую кофейню в {city}", "Сеть планирует ещё три точки в этом году")],
    "lt": [("{brand} atidaro pirmąją kavinę {city}", "Tinklas šiais metais planuoja dar tris kavines")],
}

FIRST_NAMES = {
    "en": ["Emma", "Liam", "Olivia", "Noah", "Ava", "Mason", "Sophie", "Jack"],
    "es": ["Lucía", "Mateo", "Sofía", "Hugo", "Valentina", "Diego", "Carmen"],
    "ru": ["Анна", "Дмитрий", "Мария", "Иван", "Екатерина", "Сергей", "Ольга"],
    "lt": ["Rūta", "Mantas", "Gabija", "Lukas", "Eglė", "Tomas", "Ieva"],
}

LAST_NAMES = {
    "en": ["Walker", "Hughes", "Price", "Bennett", "Reid"],
    "es": ["García", "Martínez", "López", "Sánchez", "Romero"],
    "ru": ["Иванова", "Смирнов", "Кузнецова", "Попов", "Волкова"],
    "lt": ["Kazlauskaitė", "Petrauskas", "Jankauskienė", "Stankevičius", "Žukauskas"],
}

HANDLE_STEMS = {
    "en": ["coffee_emma", "liam_reads", "olivia", "noahruns", "avabakes", "jack_w"],
    "es": ["lucia_cafe", "mateo_mx", "sofi_bcn", "hugo_gz", "vale_lima"],
    "ru": ["anna_msk", "dima_kzn", "masha_spb", "ivan_omsk", "katya_tula"],
    "lt": ["ruta_kaunas", "mantas_lt", "gabija_v", "lukas_klp", "egle_lt"],
}
