#!/usr/bin/env python3
"""Writes fraudTrain-sample.csv: a small, generated stand-in for Sparkov's fraudTrain.csv.

The real file (Kaggle data set "kartik2112/fraud-detection", 1.3 million rows) is not shipped; this
sample has exactly its header and column formats, so that `lakehouse ingest --format sparkov-csv`
and its tests run without it. Nothing in it comes from the real file: names, places, card numbers
and merchants are made up here.

What it imitates from the real data set:
  - one row per card transaction, sorted by time, the first column an unnamed row index;
  - merchant names prefixed "fraud_" (every merchant in the real file is), some with commas and
    therefore quoted, as are jobs like "Psychologist, counselling";
  - card numbers of 11 to 19 digits, one profile (name, address, city population, job, date of
    birth) per card;
  - merch_lat/merch_long within one degree of the cardholder's home;
  - unix_time 2,557 days (7 years) before trans_date_trans_time, as in the real file;
  - about 1% is_fraud=1, in bursts of several frauds on one card within a few hours, mostly at
    night, with high amounts in shopping_net, misc_net and grocery_pos and a few small test
    payments first.

How it was run (from the repository root; the output is committed beside this script):

    python3 data/samples/sparkov/make_sample.py

Python 3 standard library only; the fixed seed makes every run write the same bytes.
"""

import csv
import datetime
import os
import random

SEED = 20190101
ROWS = 2000
CARDHOLDERS = 40
FRAUD_BURSTS = 4
START = datetime.datetime(2019, 1, 1)
DAYS = 90
# unix_time in the real file is trans_date_trans_time as UTC minus exactly 2,557 days.
UNIX_TIME_SHIFT = 2557 * 86400

HEADER = (
    ",trans_date_trans_time,cc_num,merchant,category,amt,first,last,gender,street,city,state,zip,"
    "lat,long,city_pop,job,dob,trans_num,unix_time,merch_lat,merch_long,is_fraud"
)

# (city, state, zip, lat, long, city_pop): mostly small towns, as in the real file, a few cities.
PLACES = [
    ("Moravian Falls", "NC", 28654, 36.0788, -81.1781, 3495),
    ("Orient", "WA", 99160, 48.8878, -118.2105, 149),
    ("Malad City", "ID", 83252, 42.1808, -112.262, 4154),
    ("Boulder", "MT", 59632, 46.2306, -112.1138, 1939),
    ("Doe Hill", "VA", 24433, 38.4207, -79.4629, 99),
    ("Dublin", "PA", 18917, 40.375, -75.2045, 2158),
    ("Holcomb", "KS", 67851, 37.9931, -100.9893, 2691),
    ("Edinburg", "VA", 22824, 38.8432, -78.6003, 6018),
    ("Manor", "PA", 15665, 40.3359, -79.6607, 1472),
    ("Clarksville", "TN", 37040, 36.522, -87.349, 151785),
    ("Fort Washakie", "WY", 82514, 43.0048, -108.8964, 1645),
    ("Grenada", "CA", 96038, 41.6125, -122.5258, 589),
    ("Westport", "KY", 40077, 38.4921, -85.4524, 564),
    ("San Antonio", "TX", 78208, 29.44, -98.459, 1595797),
    ("Houston", "TX", 77091, 29.8536, -95.4847, 2906700),
    ("Birmingham", "AL", 35235, 33.6247, -86.6355, 492339),
    ("Louisville", "KY", 40218, 38.1897, -85.6564, 736284),
    ("Meridian", "MS", 39305, 32.4399, -88.6806, 54187),
    ("Phoenix", "AZ", 85020, 33.5623, -112.0559, 1312922),
    ("Kansas City", "MO", 64106, 39.105, -94.5701, 615284),
    ("Tulsa", "OK", 74136, 36.0612, -95.9316, 413574),
    ("Big Indian", "NY", 12410, 42.0934, -74.4321, 259),
    ("Huntington Beach", "CA", 92647, 33.7244, -118.0061, 190249),
    ("Lakeland", "FL", 33811, 27.9865, -82.0139, 237282),
    ("Tomah", "WI", 54660, 43.9742, -90.4953, 13685),
    ("Ravenna", "TX", 75476, 33.6737, -96.2391, 1227),
    ("Mobile", "AL", 36695, 30.6439, -88.2133, 370053),
    ("Spencer", "SD", 57374, 43.7557, -97.5936, 343),
]

FIRST_F = ["Jennifer", "Stephanie", "Mary", "Tammy", "Kimberly", "Danielle", "Jessica", "Rachel",
           "Christine", "Laura", "Heather", "Amanda", "Sarah", "Brittany", "Angela", "Monica"]
FIRST_M = ["Edward", "Jeremy", "Tyler", "Joseph", "Scott", "Brian", "Daniel", "Michael", "Gregory",
           "Christopher", "Kenneth", "Matthew", "Jason", "Robert", "Justin", "Aaron"]
LAST = ["Banks", "Gill", "Sanchez", "White", "Garcia", "Conner", "Murray", "Williams", "Mendez",
        "Stevens", "Castillo", "Johnson", "Hall", "Lopez", "Rodriguez", "Moore", "Simpson", "Foster",
        "Perez", "Young", "Jones", "Elliott", "Baker", "Martinez", "Miller", "Thompson"]
STREET_NAMES = ["Perry", "Jasmine", "Lindsey", "Hamilton", "Jonathan", "Susan", "Brown", "Mcdonald",
                "Kelly", "Ashley", "Bryant", "Stephanie", "Smith", "Garcia", "Riley", "Harmon"]
STREET_KINDS = ["Cove", "Crossing", "Forks", "Route", "Turnpike", "Lodge", "Lights", "Plaza",
                "Ridge", "Way", "Manors", "Squares", "Cape", "Ramp"]
JOBS = ["Psychologist, counselling", "Special educational needs teacher",
        "Nature conservation officer", "Patent attorney", "Dance movement psychotherapist",
        "Transport planner", "Arboriculturist", "Designer, furniture", "Engineer, biomedical",
        "Scientist, research (maths)", "Systems developer", "Chartered accountant",
        "Exhibition designer", "Film/video editor", "Surveyor, land/geomatics", "Barrister",
        "Naval architect", "Podiatrist", "Librarian, public", "IT trainer"]

SURNAMES = ["Rippin", "Kub", "Mann", "Heller", "Gutmann", "Zieme", "Lind", "Buckridge", "Kutch",
            "Cronin", "Keeling", "Crist", "Sporer", "Keebler", "Haley", "Kirlin", "Schumm",
            "Lockman", "Kunze", "Stokes", "Jast", "Bins", "Kris", "Wehner", "Abbott", "Bashirian",
            "Kuhic", "Goyette", "Lemke", "Medhurst", "Kozey", "Boehm", "Hodkiewicz", "Towne",
            "Koepp", "Reilly", "Hauck", "Parisian", "Tromp", "Ebert", "Torphy", "Kautzer"]
SUFFIXES = ["Group", "LLC", "Inc", "Ltd", "PLC", "and Sons", "-"]

# Share of rows (from the real file's category frequencies) and a typical amount in dollars.
CATEGORIES = {
    "gas_transport": (0.102, 64.0),
    "grocery_pos": (0.095, 115.0),
    "home": (0.095, 58.0),
    "shopping_pos": (0.090, 76.0),
    "kids_pets": (0.087, 57.0),
    "shopping_net": (0.075, 88.0),
    "entertainment": (0.072, 64.0),
    "food_dining": (0.070, 51.0),
    "personal_care": (0.070, 48.0),
    "health_fitness": (0.066, 54.0),
    "misc_pos": (0.061, 62.0),
    "misc_net": (0.049, 80.0),
    "grocery_net": (0.035, 53.0),
    "travel": (0.031, 111.0),
}
MERCHANTS_PER_CATEGORY = 5

# Fraud: (category, low, high) amounts; card-testing payments first, then the big ones.
FRAUD_TESTS = [("gas_transport", 7.0, 20.0), ("misc_pos", 2.0, 15.0), ("personal_care", 15.0, 30.0)]
FRAUD_BIG = [("shopping_net", 780.0, 1200.0), ("misc_net", 720.0, 1050.0),
             ("grocery_pos", 270.0, 360.0), ("shopping_pos", 700.0, 1100.0)]


def card_number(rng, used):
    while True:
        length = rng.choice([16, 16, 16, 16, 15, 14, 19, 13, 12, 11])
        first = rng.choice("2345630")
        number = first + "".join(rng.choice("0123456789") for _ in range(length - 1))
        if number[0] != "0" and number not in used:
            used.add(number)
            return number


def merchant_name(rng, used):
    while True:
        a, b, c = rng.sample(SURNAMES, 3)
        kind = rng.randrange(4)
        if kind == 0:
            name = f"{a}, {b} and {c}"
        elif kind == 1:
            name = f"{a}-{b}"
        elif kind == 2:
            name = f"{a} {rng.choice(SUFFIXES[:-1])}"
        else:
            name = f"{a} and {b}"
        if name not in used:
            used.add(name)
            return "fraud_" + name


def cardholders(rng):
    used = set()
    holders = []
    for _ in range(CARDHOLDERS):
        gender = rng.choice("FM")
        first = rng.choice(FIRST_F if gender == "F" else FIRST_M)
        city, state, zip_code, lat, lon, pop = rng.choice(PLACES)
        dob = datetime.date(1930, 1, 1) + datetime.timedelta(days=rng.randrange(72 * 365))
        holders.append({
            "cc_num": card_number(rng, used),
            "first": first,
            "last": rng.choice(LAST),
            "gender": gender,
            "street": f"{rng.randrange(1, 99999)} {rng.choice(STREET_NAMES)}"
                      f" {rng.choice(STREET_KINDS)}",
            "city": city,
            "state": state,
            "zip": zip_code,
            "lat": lat,
            "long": lon,
            "city_pop": pop,
            "job": rng.choice(JOBS),
            "dob": dob.isoformat(),
            # Some cards are used far more than others.
            "activity": rng.choice([0.5, 1.0, 1.0, 1.5, 2.5]),
        })
    return holders


def merchants(rng):
    used = set()
    by_category = {}
    for category in CATEGORIES:
        by_category[category] = [merchant_name(rng, used) for _ in range(MERCHANTS_PER_CATEGORY)]
    return by_category


def daytime(rng, day):
    # Most legitimate spending happens from noon to 11 pm.
    hour = rng.choice(range(12, 24)) if rng.random() < 0.7 else rng.randrange(24)
    return START + datetime.timedelta(days=day, hours=hour, seconds=rng.randrange(3600))


def amount(rng, typical):
    value = rng.lognormvariate(0, 0.8) * typical * 0.75
    return max(1.0, min(value, 2500.0))


def row(rng, holder, when, category, merchant, amt, fraud):
    return {
        "when": when,
        "holder": holder,
        "category": category,
        "merchant": merchant,
        "amt": round(amt, 2),
        "fraud": fraud,
        "merch_lat": round(holder["lat"] + rng.uniform(-1, 1), 6),
        "merch_long": round(holder["long"] + rng.uniform(-1, 1), 6),
    }


def fraud_rows(rng, holders, shops):
    rows = []
    for burst_index, holder in enumerate(rng.sample(holders, FRAUD_BURSTS)):
        day = rng.randrange(5, DAYS - 2)
        # Mostly at night: bursts start between 10 pm and 3 am, the last one in the afternoon.
        night = burst_index < FRAUD_BURSTS - 1
        start_hour = rng.choice([22, 23, 0, 1, 2]) if night else rng.randrange(13, 18)
        when = START + datetime.timedelta(days=day, hours=start_hour, minutes=rng.randrange(60))
        burst = []
        for _ in range(rng.randint(1, 2)):
            burst.append(rng.choice(FRAUD_TESTS))
        for _ in range(rng.randint(2, 4)):
            burst.append(rng.choice(FRAUD_BIG))
        for category, low, high in burst:
            rows.append(row(rng, holder, when, category, rng.choice(shops[category]),
                            rng.uniform(low, high), 1))
            when += datetime.timedelta(minutes=rng.randint(4, 50), seconds=rng.randrange(60))
    return rows


def normal_rows(rng, holders, shops, count):
    names = list(CATEGORIES)
    shares = [CATEGORIES[c][0] for c in names]
    # Every card has a few transactions; the rest follow each card's activity.
    owners = [h for h in holders for _ in range(5)]
    weights = [h["activity"] for h in holders]
    owners += rng.choices(holders, weights=weights, k=count - len(owners))
    rows = []
    for holder in owners:
        category = rng.choices(names, weights=shares)[0]
        rows.append(row(rng, holder, daytime(rng, rng.randrange(DAYS)), category,
                        rng.choice(shops[category]), amount(rng, CATEGORIES[category][1]), 0))
    return rows


def main():
    rng = random.Random(SEED)
    holders = cardholders(rng)
    shops = merchants(rng)
    frauds = fraud_rows(rng, holders, shops)
    rows = frauds + normal_rows(rng, holders, shops, ROWS - len(frauds))
    rows.sort(key=lambda r: (r["when"], r["holder"]["cc_num"]))
    epoch = datetime.datetime(1970, 1, 1)
    out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "fraudTrain-sample.csv")
    with open(out, "w", newline="", encoding="utf-8") as f:
        f.write(HEADER + "\n")
        writer = csv.writer(f, lineterminator="\n")
        for index, r in enumerate(rows):
            h = r["holder"]
            seconds = int((r["when"] - epoch).total_seconds())
            writer.writerow([
                index, r["when"].strftime("%Y-%m-%d %H:%M:%S"), h["cc_num"], r["merchant"],
                r["category"], r["amt"], h["first"], h["last"], h["gender"], h["street"],
                h["city"], h["state"], h["zip"], h["lat"], h["long"], h["city_pop"], h["job"],
                h["dob"], "%032x" % rng.getrandbits(128), seconds - UNIX_TIME_SHIFT,
                r["merch_lat"], r["merch_long"], r["fraud"],
            ])
    fraud = sum(r["fraud"] for r in rows)
    cards = len({r["holder"]["cc_num"] for r in rows})
    shops_used = len({r["merchant"] for r in rows})
    print(f"Wrote {out}: {len(rows)} rows, {cards} cards, {shops_used} merchants,"
          f" {fraud} fraud ({fraud / len(rows):.1%}).")


if __name__ == "__main__":
    main()
