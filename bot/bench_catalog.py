"""Benchmark: the catalog at shop scale: ingest, re-ingest, index size and search latency.

`salesbot bench catalog` generates a synthetic but realistic generic CSV catalog per size
(fixed seed: the same files on every machine) and a copy with 1% of the rows changed, then
for each size, in a fresh index folder:

- a full ingest, an ingest of the same file again (nothing to embed) and an ingest of the 1%
  changed file, each in a fresh `CatalogIndex` inside one child process (as `salesbot catalog
  ingest` runs), timed from opening the index to closing it; the model is loaded and warmed up
  before, and that start-up is reported apart. The child's peak resident memory is read per
  step (the kernel's high-water mark, reset before each step where Linux allows it);
- the size of the index on disk;
- search latency as a chat turn searches (query embedding + hybrid search, k=4, no filters),
  alone and with 16 threads searching at once. The first call builds the in-memory keyword
  view of the whole catalog: that "view build" is timed apart and not in the latencies.
  Every query is different, so none is answered from the query-vector cache.

The raw MiniLM throughput (document texts of a 2,000-product sample embedded in calls of
EMBED_BATCH, as ingest embeds them, with
the same embeddings object, after a warm-up batch) is measured in the same run, so that the
ingest rate is compared with what the model alone does on this machine at this moment.
"""

import csv
import json
import math
import os
import platform
import random
import re
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal
from importlib import metadata
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table

from retrieval.index import EMBED_BATCH  # texts per embedding call, as ingest embeds them

SEED = 20261124
DEFAULT_SIZES = (1_000, 10_000, 100_000)
CHANGED_FRACTION = 0.01
SAMPLE = 2_000  # products embedded to measure the raw model throughput
THREADS = 16
K = 4
MIN_RELEVANCE = 0.35
COLUMNS = ("id", "title", "description", "price", "currency", "category", "in_stock", "brand",
           "url")  # fmt: skip
TARGET_INGEST_RATIO = 0.9
TARGET_UNCHANGED_S = 60.0
TARGET_SEARCH_P95_MS = 50.0
TARGET_SIZE = 100_000
BUSY_SHARE = 0.1  # other processes' share of the CPU above which the results are flagged

err = Console(stderr=True)


# The vocabulary -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Category:
    kind: str
    name: str
    nouns: tuple[str, ...]
    materials: tuple[str, ...]
    features: tuple[str, ...]  # adjectives a title or a shopper uses: "waterproof"
    details: tuple[str, ...]  # "taped seams": what a description says it has
    uses: tuple[str, ...]  # "rainy commutes": what it is for
    personas: tuple[str, ...]  # "tea lover": who it is a gift for
    price: tuple[float, float]


def _c(kind: str, name: str, price: tuple[float, float], *fields: str) -> Category:
    """A category from `|`-separated lists: nouns, materials, features, details, uses, personas."""
    nouns, materials, features, details, uses, personas = (
        tuple(s.strip() for s in f.split("|")) for f in fields
    )
    return Category(kind, name, nouns, materials, features, details, uses, personas, price)


# fmt: off
CATEGORIES = (
    # apparel
    _c("apparel", "Jackets & Coats", (39, 420),
       "rain jacket|parka|windbreaker|puffer jacket|fleece jacket|trench coat",
       "recycled nylon|merino wool|duck down|ripstop polyester|waxed cotton",
       "waterproof|insulated|packable|hooded|breathable|windproof",
       "taped seams|an adjustable hood|zippered hand pockets|pit zips|a two-way front zip",
       "rainy commutes|winter walks|weekend hikes|city cycling", "hiker|commuter"),
    _c("apparel", "T-Shirts & Tops", (12, 65),
       "t-shirt|tank top|long-sleeve tee|polo shirt|henley",
       "organic cotton|linen|bamboo jersey|merino wool|cotton blend",
       "relaxed|slim-fit|lightweight|quick-dry|oversized",
       "a crew neck|flat-lock seams|a chest pocket|a curved hem",
       "warm days|the gym|layering|lazy Sundays", "minimalist"),
    _c("apparel", "Dresses & Skirts", (29, 180),
       "midi dress|wrap dress|maxi skirt|shirt dress|pleated skirt",
       "linen|viscose|silk|organic cotton|crepe",
       "floaty|tailored|flowy|sleeveless|lined",
       "a tie waist|hidden pockets|a smocked back|adjustable straps",
       "summer weddings|the office|holidays|dinner dates", "fashion lover"),
    _c("apparel", "Jeans & Trousers", (35, 160),
       "straight jeans|chinos|cargo trousers|wide-leg trousers|joggers",
       "stretch denim|cotton twill|corduroy|ripstop|organic cotton",
       "high-rise|relaxed|tapered|stretchy|cropped",
       "a button fly|deep pockets|a drawstring waist|reinforced knees",
       "everyday wear|work|travel|weekends", "student"),
    _c("apparel", "Knitwear", (35, 240),
       "sweater|cardigan|hoodie|turtleneck|knit vest",
       "merino wool|cashmere|lambswool|alpaca blend|cotton",
       "chunky|cosy|ribbed|cable-knit|fine-knit",
       "ribbed cuffs|a kangaroo pocket|horn buttons|a relaxed collar",
       "cold evenings|layering|the office|chalet weekends", "knitwear fan"),
    _c("apparel", "Hats, Scarves & Gloves", (9, 90),
       "beanie|scarf|baseball cap|touchscreen gloves|sun hat",
       "merino wool|cashmere|cotton canvas|fleece|straw",
       "warm|packable|reversible|UV-protective|soft",
       "a fold-up cuff|fringed ends|an adjustable strap|fleece lining",
       "winter mornings|beach days|ski trips|festivals", "skier"),
    # footwear
    _c("footwear", "Running Shoes", (59, 220),
       "road running shoe|trail running shoe|racing flat|stability shoe",
       "engineered mesh|knit upper|recycled polyester",
       "cushioned|lightweight|grippy|responsive|wide-fit",
       "a carbon plate|a rock plate|a reflective heel|a gusseted tongue",
       "marathon training|trail races|daily miles|track sessions", "runner"),
    _c("footwear", "Boots", (69, 320),
       "hiking boot|chelsea boot|snow boot|work boot|rain boot",
       "full-grain leather|suede|natural rubber|nubuck",
       "waterproof|insulated|lugged|steel-toe|vegan",
       "a Vibram sole|a padded collar|speed lacing|a Goretex lining",
       "muddy trails|snowy streets|building sites|festivals", "hiker"),
    _c("footwear", "Sneakers & Sandals", (25, 150),
       "sneaker|slip-on|slide sandal|sport sandal|canvas shoe",
       "canvas|leather|cork|recycled rubber|suede",
       "classic|platform|adjustable|breathable|minimalist",
       "a cork footbed|a gum sole|padded straps|a removable insole",
       "summer holidays|city walks|the beach|everyday wear", "sneakerhead"),
    # electronics
    _c("electronics", "Headphones", (19, 400),
       "wireless earbuds|over-ear headphones|noise-cancelling headphones|sports earbuds",
       "aluminium|memory foam|silicone|recycled plastic",
       "wireless|noise-cancelling|sweatproof|foldable|bass-heavy",
       "40-hour battery life|a built-in microphone|multipoint pairing|a charging case",
       "commuting|workouts|flights|gaming", "music lover|gamer"),
    _c("electronics", "Speakers", (29, 500),
       "bluetooth speaker|smart speaker|soundbar|bookshelf speaker|party speaker",
       "fabric mesh|walnut veneer|aluminium|rubberised plastic",
       "portable|waterproof|wireless|voice-controlled|compact",
       "stereo pairing|a 20-hour battery|a built-in assistant|an HDMI input",
       "pool parties|movie nights|camping trips|the kitchen", "music lover"),
    _c("electronics", "Phone Accessories", (9, 120),
       "phone case|power bank|wireless charger|USB-C cable|car mount",
       "silicone|vegan leather|braided nylon|tempered glass|aluminium",
       "slim|fast-charging|magnetic|shockproof|compact",
       "MagSafe support|a 10000 mAh cell|raised camera edges|a kickstand",
       "travel|the car|the desk|festivals", "commuter"),
    _c("electronics", "Smart Home", (19, 350),
       "smart plug|video doorbell|smart bulb|indoor camera|smart thermostat",
       "matte plastic|brushed steel|glass",
       "wi-fi|voice-controlled|energy-saving|motion-sensing|dimmable",
       "Matter support|two-way audio|night vision|scheduling in the app",
       "home security|saving energy|holiday lighting|pet watching", "tech lover"),
    _c("electronics", "Computer Accessories", (12, 260),
       "mechanical keyboard|wireless mouse|USB-C hub|laptop stand|webcam",
       "aluminium|PBT plastic|walnut|recycled plastic",
       "ergonomic|wireless|compact|backlit|adjustable",
       "hot-swappable switches|a 4K input|silent clicks|a built-in ring light",
       "working from home|gaming|video calls|coding", "gamer|programmer"),
    _c("electronics", "Cameras & Drones", (79, 1500),
       "action camera|instant camera|mirrorless camera|mini drone|dash cam",
       "magnesium alloy|polycarbonate|aluminium",
       "waterproof|4K|stabilised|foldable|compact",
       "image stabilisation|a flip screen|obstacle sensing|a 1-inch sensor",
       "travel vlogs|surfing|weddings|road trips", "photographer|traveller"),
    _c("electronics", "Wearables", (29, 450),
       "smartwatch|fitness tracker|GPS watch|smart ring",
       "titanium|stainless steel|silicone|ceramic",
       "waterproof|lightweight|always-on|solar-charging|slim",
       "heart-rate tracking|sleep tracking|offline maps|a 14-day battery",
       "marathon training|swimming|sleep|everyday health", "runner|tech lover"),
    # kitchen
    _c("kitchen", "Cookware", (19, 320),
       "frying pan|saucepan|dutch oven|wok|stockpot|griddle",
       "cast iron|stainless steel|carbon steel|ceramic-coated aluminium|copper",
       "non-stick|induction-ready|oven-safe|heavy-bottomed|enamelled",
       "a glass lid|stay-cool handles|a pouring lip|a tri-ply base",
       "weeknight dinners|slow braises|stir-fries|pancake Sundays", "home cook"),
    _c("kitchen", "Kitchen Knives", (15, 280),
       "chef's knife|santoku|bread knife|paring knife|knife set",
       "Damascus steel|German steel|ceramic|carbon steel",
       "hand-forged|razor-sharp|full-tang|lightweight|balanced",
       "an olive-wood handle|a magnetic block|a protective sheath|a bolster",
       "everyday prep|sushi|crusty bread|carving roasts", "home cook|chef"),
    _c("kitchen", "Small Appliances", (25, 600),
       "blender|toaster|stand mixer|air fryer|electric kettle|food processor",
       "brushed steel|BPA-free plastic|glass|matte enamel",
       "powerful|compact|quiet|programmable|cordless",
       "six speed settings|auto shut-off|a keep-warm mode|a dishwasher-safe jug",
       "smoothies|baking|quick breakfasts|batch cooking", "baker|home cook"),
    _c("kitchen", "Tea & Coffee", (9, 450),
       "teapot|tea infuser|french press|pour-over kettle|coffee grinder|espresso machine",
       "borosilicate glass|cast iron|stoneware|stainless steel|bamboo",
       "gooseneck|double-walled|burr|insulated|handmade",
       "a fine mesh filter|temperature control|a built-in scale|a bamboo lid",
       "loose-leaf tea|morning espresso|slow brewing|afternoon tea",
       "tea lover|coffee lover"),
    _c("kitchen", "Tableware", (9, 160),
       "mug|dinner plate set|serving bowl|wine glasses|cutlery set",
       "stoneware|porcelain|crystal glass|stainless steel|recycled glass",
       "handmade|dishwasher-safe|speckled|stackable|hand-painted",
       "a reactive glaze|a matte finish|gold rims|a gift box",
       "dinner parties|everyday meals|housewarmings|brunch", "host"),
    _c("kitchen", "Food Storage", (6, 70),
       "lunch box|glass container set|beeswax wraps|vacuum flask|spice jars",
       "borosilicate glass|stainless steel|organic cotton|bamboo",
       "leak-proof|airtight|reusable|insulated|stackable",
       "snap-lock lids|a bamboo lid|a carry strap|labels",
       "meal prep|packed lunches|a zero-waste kitchen|picnics", "eco-minded friend"),
    # home
    _c("home", "Bedding", (25, 380),
       "duvet cover|sheet set|pillow|weighted blanket|throw",
       "linen|organic cotton|bamboo lyocell|merino wool|percale cotton",
       "breathable|cooling|hypoallergenic|stonewashed|cosy",
       "a hidden zip|deep pockets|corner ties|an envelope closure",
       "hot sleepers|guest rooms|cold nights|sofa evenings", "new homeowner"),
    _c("home", "Lighting", (19, 350),
       "floor lamp|desk lamp|pendant light|string lights|table lamp",
       "brass|rattan|opal glass|oak|ceramic",
       "dimmable|rechargeable|adjustable|warm-white|cordless",
       "a touch dimmer|a USB port|a fabric cord|an adjustable arm",
       "reading nooks|home offices|patios|bedside tables", "new homeowner"),
    _c("home", "Candles & Home Fragrance", (9, 90),
       "scented candle|reed diffuser|essential oil set|room spray|incense",
       "soy wax|coconut wax|beeswax|ceramic",
       "hand-poured|long-lasting|natural|calming|woody",
       "a cotton wick|notes of fig and cedar|a 50-hour burn|a reusable vessel",
       "relaxing baths|cosy evenings|meditation|housewarmings",
       "candle lover|someone who needs to relax"),
    _c("home", "Rugs & Cushions", (15, 600),
       "area rug|runner rug|cushion cover|floor cushion|doormat",
       "wool|jute|cotton|recycled PET|velvet",
       "hand-woven|washable|non-slip|tufted|reversible",
       "a tassel trim|a cotton backing|a feather insert|a low pile",
       "living rooms|hallways|kids' rooms|entryways", "new homeowner"),
    # beauty
    _c("beauty", "Skincare", (8, 120),
       "moisturiser|face serum|cleanser|sunscreen|eye cream|face mask",
       "hyaluronic acid|vitamin C|niacinamide|retinol|squalane",
       "fragrance-free|vegan|hydrating|gentle|brightening",
       "a pump bottle|SPF 50|ceramides|a recyclable tube",
       "dry skin|sensitive skin|daily routines|oily skin",
       "skincare lover|someone with sensitive skin"),
    _c("beauty", "Hair Care", (7, 320),
       "shampoo|conditioner|hair oil|hair dryer|straightener|hair mask",
       "argan oil|keratin|coconut oil|ceramic|tourmaline",
       "sulphate-free|ionic|nourishing|lightweight|fast-drying",
       "three heat settings|a diffuser attachment|a refill pouch|a cool-shot button",
       "curly hair|frizzy hair|fine hair|colour-treated hair", "someone with curly hair"),
    _c("beauty", "Makeup", (6, 65),
       "lipstick|mascara|foundation|eyeshadow palette|blush|concealer",
       "shea butter|mineral pigments|jojoba oil|rice powder",
       "long-wearing|matte|cruelty-free|buildable|waterproof",
       "twelve shades|a mirror case|a precision brush|SPF 15",
       "everyday looks|evenings out|weddings|festivals", "makeup lover"),
    _c("beauty", "Fragrance", (19, 180),
       "eau de parfum|eau de toilette|perfume oil|solid perfume|body mist",
       "sandalwood|bergamot|oud|neroli|vanilla",
       "long-lasting|fresh|floral|woody|unisex",
       "a refillable bottle|a travel atomiser|notes of amber and musk|a gift box",
       "date nights|summer days|the office|evenings out", "perfume lover"),
    _c("beauty", "Bath & Body", (5, 70),
       "body lotion|bar soap|bath salts|shower gel|body scrub|hand cream",
       "shea butter|oat milk|Dead Sea salt|olive oil|lavender oil",
       "moisturising|soothing|plastic-free|handmade|exfoliating",
       "a pump dispenser|a cotton pouch|a glass jar|calendula extract",
       "dry hands|pamper nights|sensitive skin|post-workout showers",
       "someone who needs to relax"),
    # toys
    _c("toys", "Building Toys", (12, 200),
       "building blocks|marble run|magnetic tiles|construction set|train set",
       "beech wood|recycled plastic|bamboo|ABS plastic",
       "wooden|magnetic|stackable|colourful|expandable",
       "a storage bag|120 pieces|an instruction booklet|glow-in-the-dark parts",
       "rainy afternoons|creative play|STEM learning|family time",
       "five-year-old|curious kid"),
    _c("toys", "Board Games & Puzzles", (12, 80),
       "board game|jigsaw puzzle|card game|strategy game|escape room game",
       "recycled cardboard|wood|linen-finish card",
       "cooperative|family-friendly|fast-paced|challenging|1000-piece",
       "two to six players|a poster of the finished picture|a cloth bag|forty-minute rounds",
       "game nights|long winter evenings|parties|travel", "puzzle lover|board game fan"),
    _c("toys", "Plush & Dolls", (9, 90),
       "teddy bear|plush bunny|rag doll|doll house|puppet",
       "organic cotton|recycled polyester|wood|felt",
       "soft|cuddly|washable|handmade|huggable",
       "embroidered eyes|a gift tag|a removable outfit|a rattle inside",
       "bedtime|newborns|pretend play|long car rides", "toddler|new parent"),
    _c("toys", "Outdoor Toys", (15, 350),
       "balance bike|scooter|kite|sandbox set|water blaster",
       "birch plywood|aluminium|ripstop nylon|recycled plastic",
       "foldable|adjustable|lightweight|sturdy|splash-proof",
       "light-up wheels|a padded seat|a 30-metre line|a carry bag",
       "the park|the beach|summer afternoons|learning to ride", "five-year-old"),
    _c("toys", "Educational Toys", (12, 150),
       "science kit|coding robot|microscope|globe|abacus",
       "wood|recycled plastic|aluminium|glass",
       "hands-on|screen-free|interactive|rechargeable|bilingual",
       "twenty experiments|a parent guide|an app|a storage case",
       "homeschooling|STEM learning|curious minds|science fairs", "curious kid"),
    # garden
    _c("garden", "Garden Tools", (9, 160),
       "pruning shears|hand trowel|rake|garden fork|hedge trimmer|wheelbarrow",
       "carbon steel|stainless steel|ash wood|fibreglass",
       "ergonomic|cordless|heavy-duty|rust-proof|telescopic",
       "a safety lock|a cushioned grip|a hanging hole|a lifetime warranty",
       "pruning roses|vegetable beds|autumn leaves|allotments", "gardener"),
    _c("garden", "Planters & Pots", (9, 220),
       "planter|hanging basket|raised bed|window box|self-watering pot",
       "terracotta|glazed ceramic|cedar wood|galvanised steel|recycled plastic",
       "frost-proof|self-watering|lightweight|hand-thrown|large",
       "a drainage hole|a saucer|a water reservoir|liner included",
       "herbs|balconies|houseplants|tomatoes", "plant lover|gardener"),
    _c("garden", "Watering", (9, 140),
       "garden hose|watering can|sprinkler|drip irrigation kit|hose reel",
       "galvanised steel|brass|recycled rubber|powder-coated steel",
       "expandable|kink-free|adjustable|automatic|lightweight",
       "a brass rose|a timer|eight spray patterns|a wall bracket",
       "lawns|greenhouses|patio pots|vegetable beds", "gardener"),
    _c("garden", "Outdoor Furniture", (39, 1200),
       "garden bench|bistro set|hammock|sun lounger|fire pit",
       "teak|acacia wood|powder-coated steel|all-weather rattan|cast aluminium",
       "weatherproof|foldable|stackable|UV-resistant|adjustable",
       "water-resistant cushions|a spark guard|a canopy|adjustable backrests",
       "balconies|summer barbecues|lazy afternoons|small patios", "new homeowner"),
    _c("garden", "Seeds & Bulbs", (3, 40),
       "seed collection|tulip bulbs|herb seed kit|wildflower mix|seed potatoes",
       "heirloom seeds|organic seeds|peat-free compost",
       "organic|heirloom|pollinator-friendly|fast-growing|hardy",
       "planting instructions|biodegradable pots|a seed calendar|a gift box",
       "spring planting|windowsills|bee-friendly borders|first-time growers",
       "gardener|plant lover"),
    # sports and outdoors
    _c("outdoors", "Camping", (15, 600),
       "tent|sleeping bag|camping stove|sleeping mat|headlamp|camp chair",
       "ripstop nylon|duck down|aluminium|titanium|synthetic insulation",
       "lightweight|three-season|waterproof|packable|rechargeable",
       "a vestibule|a compression sack|a piezo igniter|a red night mode",
       "backpacking|festivals|family camping|winter camping", "camper|hiker"),
    _c("outdoors", "Yoga & Fitness", (9, 400),
       "yoga mat|dumbbell set|resistance bands|kettlebell|foam roller|jump rope",
       "natural rubber|cork|cast iron|TPE|neoprene",
       "non-slip|adjustable|eco-friendly|extra-thick|portable",
       "a carry strap|alignment lines|a storage rack|five resistance levels",
       "home workouts|hot yoga|physio|strength training", "yogi|fitness fan"),
    _c("outdoors", "Cycling", (9, 300),
       "bike helmet|bike light set|bike lock|cycling jersey|saddle bag",
       "polycarbonate|aluminium|hardened steel|recycled polyester",
       "aero|rechargeable|waterproof|high-visibility|lightweight",
       "MIPS protection|a USB-C port|a mounting bracket|reflective trims",
       "commuting|gravel rides|night riding|road racing", "cyclist"),
    _c("outdoors", "Water Bottles & Flasks", (9, 60),
       "water bottle|insulated flask|travel mug|hydration bladder|filter bottle",
       "stainless steel|Tritan plastic|glass|silicone",
       "insulated|leak-proof|BPA-free|collapsible|dishwasher-safe",
       "a straw lid|a carry loop|a built-in filter|a powder-coated finish",
       "hikes|the gym|school runs|long drives", "hiker|commuter"),
    # pets
    _c("pets", "Dog Supplies", (7, 180),
       "dog bed|leash|harness|chew toy|dog bowl|dog coat",
       "memory foam|nylon webbing|natural rubber|stainless steel|waxed canvas",
       "orthopaedic|reflective|washable|durable|no-pull",
       "a removable cover|a padded handle|a treat pocket|a non-slip base",
       "big dogs|puppies|rainy walks|long car trips", "dog owner"),
    _c("pets", "Cat Supplies", (6, 220),
       "cat tree|scratching post|cat bed|litter box|cat toy|water fountain",
       "sisal|felt|bamboo|ceramic|recycled plastic",
       "self-cleaning|quiet|washable|catnip-filled|wall-mounted",
       "a hideaway|a charcoal filter|dangling toys|a hooded top",
       "indoor cats|kittens|small flats|senior cats", "cat lover"),
    # office and bags
    _c("office", "Stationery", (4, 160),
       "notebook|fountain pen|planner|sketchbook|desk organiser",
       "recycled paper|brass|vegan leather|walnut|cotton paper",
       "dotted|refillable|lay-flat|handmade|undated",
       "a ribbon marker|a converter|an elastic closure|160 gsm paper",
       "journaling|note-taking|sketching|planning the year", "writer|student"),
    _c("office", "Backpacks & Bags", (25, 350),
       "backpack|laptop bag|tote bag|duffel bag|messenger bag",
       "waxed canvas|recycled nylon|full-grain leather|cordura|cotton canvas",
       "water-resistant|carry-on|roll-top|padded|anti-theft",
       "a laptop sleeve|a luggage strap|hidden pockets|a bottle pocket",
       "commuting|weekend trips|university|business travel", "traveller|student"),
)
# fmt: on


BRANDS = {
    "apparel": "Northwind|Lumen & Loom|Harbourline|Fjellvik|Cobalt Row|Maple & Mast|Sundry Co"
    "|Ashgrove|Tidewell|Kestrel",
    "footwear": "Stridewell|Trailmark|Pacehaus|Oaklace|Ridgeway|Sola Verde|Nimbus Feet",
    "electronics": "Voltaro|Quillon|Brightwave|Sonique|Nexa|Arcway|Pixelforge|Zentro|Halcyon",
    "kitchen": "Kettleby|Copperfield|Saltbox|Ember & Oak|Mirela|Panterra|Brewhaus|Fenwick",
    "home": "Hearthly|Linden House|Nordlys|Sable & Sage|Casa Lumo|Woolhaven|Driftwood Home",
    "beauty": "Aurelle|Glowhaus|Petal & Pine|Nuvé|Saltwater Skin|Velvra|Botanica Lab",
    "toys": "Wobbleworks|Tinker Tots|Kitefield|Puzzlewood|Little Orbit|Bramble Bear",
    "garden": "Greenthumb|Verdance|Potting Shed Co|Rootwell|Hedgerow|Bloomfield",
    "outdoors": "Summit Peak|Trailhead|Alpenglow|Boreal|Cairnline|Tempo Sport|Ridgeback",
    "pets": "Pawsome|Waggle|Furrow & Friends|Barkley|Whisker Co",
    "office": "Inkwell|Paperfold|Satchel & Slate|Fernley|Quireworks|Roamly",
}
BRANDS_OF = {kind: tuple(names.split("|")) for kind, names in BRANDS.items()}
LINES = tuple(
    "Aurora Tempo Summit Drift Halo Meridian Cascade Ember Atlas Willow Orbit Nova Vista Solace"
    " Breeze Canyon Harbor Juniper Lark Moraine Nimbus Onyx Pioneer Quartz Ranger Sierra Terra"
    " Umbra Vesper Wren Zephyr Alder Basalt Cedar Dune Fable Glacier Heron Iris Kodiak Lumen"
    " Mistral Nomad Oasis Prairie Rhythm Sequoia Tundra Voyager Wander Yarrow Zenith Arbor"
    " Bluebell Coral Delta Everest Fjord Granite Horizon".split()
)
COLOURS = {
    "apparel": "Navy|Black|Olive|Rust|Sand|Forest Green|Charcoal|Cream|Burgundy|Sky Blue",
    "footwear": "Black|White|Tan|Grey|Olive|Navy|Brown",
    "electronics": "Black|White|Graphite|Silver|Midnight Blue|Sage",
    "home": "Oatmeal|Terracotta|Sage|Charcoal|Ivory|Mustard|Slate Blue",
    "outdoors": "Orange|Black|Blue|Green|Red|Grey",
    "pets": "Red|Navy|Grey|Olive|Pink",
    "office": "Black|Tan|Olive|Navy|Brown",
}
COLOURS_OF = {kind: tuple(names.split("|")) for kind, names in COLOURS.items()}
CARE = {
    "apparel": ("Machine washable at 30°C.", "Ethically made in Portugal.",
                "True to size; size up for layering."),
    "footwear": ("Runs true to size.", "Resoleable.", "Comes with a spare pair of laces."),
    "electronics": ("Comes with a two-year warranty.", "USB-C cable included.",
                    "Works with iOS and Android."),
    "kitchen": ("Dishwasher safe.", "Comes with a lifetime guarantee.", "Hand wash to keep it "
                "at its best."),
    "home": ("Ships in plastic-free packaging.", "Machine washable.", "Made in small batches."),
    "beauty": ("Dermatologically tested.", "Cruelty-free and vegan.",
               "Packed in recyclable glass."),
    "toys": ("Suitable for ages 3 and up.", "Meets EN71 safety standards.",
             "Batteries not included."),
    "garden": ("Comes with a five-year guarantee.", "Made from FSC-certified materials.",
               "Easy to assemble."),
    "outdoors": ("Comes with a stuff sack.", "Backed by a lifetime repair promise.",
                 "Tested in the Alps."),
    "pets": ("Machine washable cover.", "Vet-approved design.", "Tough enough for chewers."),
    "office": ("Printed on FSC-certified paper.", "Plastic-free packaging.",
               "Backed by a ten-year guarantee."),
}  # fmt: skip
UPDATES = (
    "Now back in stock in every colour.",
    "Updated this season with sturdier stitching.",
    "New: now ships in fully recyclable packaging.",
    "This edition adds a longer warranty.",
    "Reformulated this year after customer feedback.",
)


def _an(word: str) -> str:
    """`a`/`an` and the word; a persona like "someone who ..." takes none."""
    if word.startswith("someone"):
        return word
    if word[:2].isupper():  # an acronym: "a UV-protective", "an HDMI"
        return ("an " if word[0] in "AEFHILMNORSX" else "a ") + word
    return ("an " if word[:1].lower() in "aeiou" else "a ") + word


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]


def _title_case(text: str) -> str:
    return " ".join(w if w[:1].isupper() else _cap(w) for w in text.split(" "))


def _charm(price: float) -> str:
    """A shop's price: 7.99, 24.95, 129.00, 349.99."""
    if price < 20:
        value = max(0.99, math.floor(price) + 0.99)
    elif price < 200:
        value = math.floor(price) + random.Random(int(price * 100)).choice((0.95, 0.99, 0.0))
    else:
        value = round(price / 10) * 10 - 0.01
    return f"{value:.2f}"


def _description(rng: random.Random, cat: Category, line: str, noun: str, material: str,
                 features: Sequence[str], colour: str | None) -> str:  # fmt: skip
    detail = rng.choice(cat.details)
    first = rng.choice(
        (
            f"The {line} is {_an(features[0])} {noun} made from {material} with {detail}.",
            f"{_cap(_an(features[0]))}, {features[1]} {noun} in {material}, with {detail}.",
            f"Our {line} {noun} pairs {material} with {detail}.",
            f"{_cap(_an(features[0]))} {noun} crafted from {material}; it has {detail}.",
        )
    )
    others = [
        rng.choice(
            (
                f"Ideal for {rng.choice(cat.uses)}.",
                f"Built for {rng.choice(cat.uses)} and {rng.choice(cat.uses)}.",
                f"A thoughtful gift for {_an(rng.choice(cat.personas))}.",
                f"{_cap(features[1])} and {features[2]}, it is made for {rng.choice(cat.uses)}.",
            )
        ),
        rng.choice(CARE[cat.kind] + ((f"Shown here in {colour}.",) if colour else ())),
    ]
    count = rng.choices((1, 2, 3), weights=(2, 4, 3))[0]
    return " ".join([first, *others[: count - 1]])


def catalog_rows(n: int, seed: int = SEED) -> Iterator[dict[str, str]]:
    """`n` products drawn from the vocabulary; titles and descriptions are all distinct."""
    rng = random.Random(seed)
    titles: set[str] = set()
    descriptions: set[str] = set()
    for number in range(1, n + 1):
        # Every category once first, so that even a small catalog has them all.
        cat = CATEGORIES[number - 1] if number <= len(CATEGORIES) else rng.choice(CATEGORIES)
        for attempt in range(50):
            brand, line = rng.choice(BRANDS_OF[cat.kind]), rng.choice(LINES)
            noun, material = rng.choice(cat.nouns), rng.choice(cat.materials)
            features = rng.sample(cat.features, 3)
            colours = COLOURS_OF.get(cat.kind)
            colour = rng.choice(colours) if colours and rng.random() < 0.4 else None
            words = [brand, line, features[0]] + ([material] if rng.random() < 0.4 else [])
            title = _title_case(" ".join([*words, noun]))
            title += f" - {colour}" if colour else ""
            if attempt >= 40:  # a crowded corner of the vocabulary: add a model number
                title += f" {rng.randint(2, 99)}"
            if title not in titles:
                break
        else:
            title += f" #{number}"
        for _ in range(20):
            description = _description(rng, cat, line, noun, material, features, colour)
            if description not in descriptions:
                break
        else:  # still taken: a model line makes it this product's own
            sentences = re.split(r"(?<=[.!?]) ", description)
            description = " ".join([*sentences[:2], f"Model number {number}."])
        titles.add(title)
        descriptions.add(description)
        low, high = cat.price
        price = math.exp(rng.uniform(math.log(low), math.log(high)))
        product_id = f"SKU-{number:06d}"
        slug = re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")
        yield {
            "id": product_id,
            "title": title,
            "description": description,
            "price": _charm(price),
            "currency": "USD",
            "category": cat.name,
            "in_stock": "yes" if rng.random() < 0.88 else "no",
            "brand": brand,
            "url": f"https://shop.example/products/{slug}-{product_id.lower()}",
        }


def write_catalog(path: Path, n: int, seed: int = SEED) -> Path:
    with path.open("w", newline="", encoding="utf-8") as file:
        writer = csv.DictWriter(file, COLUMNS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(catalog_rows(n, seed))
    return path


def changed_count(n: int) -> int:
    return max(1, round(n * CHANGED_FRACTION))


def write_changed(source: Path, path: Path, seed: int = SEED) -> list[str]:
    """Copy `source` with 1% of its rows changed (price or description), same ids; return them."""
    with source.open(newline="", encoding="utf-8") as file:
        rows = list(csv.DictReader(file))
    rng = random.Random(seed + 1)
    picked = sorted(rng.sample(range(len(rows)), changed_count(len(rows))))
    for turn, position in enumerate(picked):
        row = rows[position]
        if turn % 2 == 0:
            old = float(row["price"])
            new = old
            while _charm(new) == row["price"]:
                new = old * rng.choice((0.8, 0.85, 0.9, 1.1, 1.15))
            row["price"] = _charm(new)
        else:
            sentences = re.split(r"(?<=[.!?]) ", row["description"])
            update = rng.choice(UPDATES)
            row["description"] = " ".join([*sentences[:2], update])
    with path.open("w", newline="", encoding="utf-8") as file:
        writer = csv.DictWriter(file, COLUMNS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    return [rows[i]["id"] for i in picked]


def shopper_queries(n: int, seed: int = SEED) -> list[str]:
    """`n` different questions a shopper might type, from the catalog's vocabulary."""
    rng = random.Random(seed + 2)
    queries: dict[str, None] = {}
    while len(queries) < n:
        cat = rng.choice(CATEGORIES)
        noun, feature = rng.choice(cat.nouns), rng.choice(cat.features)
        budget = max(10, round(rng.uniform(*cat.price) / 10) * 10)
        query = rng.choice(
            (
                f"{feature} {noun} under {budget}",
                f"a gift for {_an(rng.choice(cat.personas))}",
                f"gift ideas for {_an(rng.choice(cat.personas))} under {budget}",
                f"{rng.choice(BRANDS_OF[cat.kind])} {noun}",
                f"anything from {rng.choice(BRANDS_OF[cat.kind])}?",
                f"{rng.choice(cat.materials)} {noun}",
                f"{noun} for {rng.choice(cat.uses)}",
                f"do you have {_an(feature)} {noun}?",
                f"the {rng.choice(LINES)} {noun}",
                f"cheap {noun} for {rng.choice(cat.uses)}",
                f"best {noun} with {rng.choice(cat.details)}",
            )
        )
        queries.setdefault(query)
    return list(queries)


# Measuring ------------------------------------------------------------------------------------


@dataclass
class CatalogBenchOptions:
    sizes: list[int] = field(default_factory=lambda: list(DEFAULT_SIZES))
    queries: int = 200
    workdir: Path | None = None
    keep: bool = False
    sample: int = SAMPLE
    threads: int = THREADS
    seed: int = SEED
    verbose: bool = True

    def command(self) -> str:
        sizes = ",".join(map(str, self.sizes))
        return f"salesbot bench catalog --sizes {sizes} --queries {self.queries}"


def percentile(values: Sequence[float], q: float) -> float:
    """Nearest rank, as `salesbot bench` reports its p95."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def _ms(seconds: float) -> float:
    return round(seconds * 1000, 1)


def _mb(size: float) -> float:
    return round(size / 2**20, 1)


def folder_size(path: Path) -> int:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file())


def machine() -> dict[str, Any]:
    import psutil

    cpu, flags = platform.processor() or platform.machine(), set()
    try:
        info = Path("/proc/cpuinfo").read_text()
        if found := re.search(r"^model name\s*:\s*(.+)$", info, re.M):
            cpu = found.group(1).strip()
        if found := re.search(r"^flags\s*:\s*(.+)$", info, re.M):
            flags = set(found.group(1).split())
    except OSError:
        pass
    versions: dict[str, str | None] = {}
    for package in ("chromadb", "torch", "sentence-transformers", "transformers", "bm25s"):
        try:
            versions[package] = metadata.version(package)
        except metadata.PackageNotFoundError:
            versions[package] = None
    return {
        "cpu": cpu,
        "arch": platform.machine(),
        "cores": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else None,
        "logical_cpus": os.cpu_count(),
        "avx2": "avx2" in flags if flags else None,
        "avx512": "avx512f" in flags if flags else None,
        "memory_gib": round(psutil.virtual_memory().total / 2**30, 1),
        "os": platform.platform(),
        "python": platform.python_version(),
        "packages": versions,
    }


def raw_throughput(embeddings: Any, texts: list[str]) -> dict[str, Any]:
    """The model alone: `texts` embedded EMBED_BATCH at a time, after a warm-up batch."""
    embeddings.embed_documents(texts[:EMBED_BATCH])
    started = time.perf_counter()
    for start in range(0, len(texts), EMBED_BATCH):
        embeddings.embed_documents(texts[start : start + EMBED_BATCH])
    seconds = time.perf_counter() - started
    return {
        "texts": len(texts),
        "batch": EMBED_BATCH,
        "seconds": round(seconds, 2),
        "texts_per_s": round(len(texts) / seconds, 1),
    }


class OtherLoad:
    """How much CPU other processes took while the benchmark ran: every figure here is slower
    on a busy machine (on two cores, a second busy process slows the model several times)."""

    def __init__(self) -> None:
        self.load_average = round(os.getloadavg()[0], 2) if hasattr(os, "getloadavg") else None
        self.start = self._snapshot()

    @staticmethod
    def _snapshot() -> tuple[float, float, float]:
        import psutil

        times = psutil.cpu_times()
        idle = times.idle + getattr(times, "iowait", 0.0)
        guest = getattr(times, "guest", 0.0) + getattr(times, "guest_nice", 0.0)  # in user
        busy = sum(times) - idle - guest
        own = os.times()
        mine = own.user + own.system + own.children_user + own.children_system
        return time.perf_counter(), busy, mine

    def report(self) -> dict[str, Any]:
        wall, busy, mine = (b - a for a, b in zip(self.start, self._snapshot(), strict=True))
        other = max(0.0, busy - mine)
        cores = os.cpu_count() or 1
        return {
            "load_average_at_start": self.load_average,
            "other_processes_cpu_s": round(other, 1),
            "other_processes_cpu_share": round(other / (wall * cores), 3) if wall else None,
        }


def sample_texts(folder: Path, n: int, seed: int) -> list[str]:
    """The embedded texts of `n` generated products, read as ingest reads them."""
    from retrieval.index import document_text
    from retrieval.loaders import parse_products, read_rows

    path = write_catalog(folder / f"sample-{n}.csv", n, seed + 3)
    products = parse_products(read_rows(path)).products
    path.unlink()
    return [document_text(p) for p in products]


# The ingest child ----------------------------------------------------------------------------


def _reset_peak() -> bool:
    """Reset the process's peak RSS to its current RSS (Linux 4.0+); False where it cannot."""
    try:
        with open("/proc/self/clear_refs", "w") as file:
            file.write("5")
        return True
    except OSError:
        return False


def _peak_rss() -> int:
    """The process's peak resident memory in bytes since start or the last reset."""
    try:
        status = Path("/proc/self/status").read_text()
        if found := re.search(r"^VmHWM:\s+(\d+) kB", status, re.M):
            return int(found.group(1)) * 1024
    except OSError:
        pass
    import resource

    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak if sys.platform == "darwin" else peak * 1024


def _rss() -> int:
    import psutil

    return int(psutil.Process().memory_info().rss)


def ingest_steps(index_dir: str, files: list[tuple[str, str]], result: str, verbose: bool) -> None:
    """In a child process: each (step, file) ingested into a freshly opened index at
    `index_dir`; the timings, counts and memory peaks go to the JSON file `result`."""
    os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
    os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")
    from chromadb.api.client import SharedSystemClient

    from retrieval.embeddings import load_embeddings
    from retrieval.index import CatalogIndex
    from retrieval.ingest import ingest_file

    started = time.perf_counter()
    embeddings = load_embeddings()
    embeddings.embed_documents(["warm-up"] * EMBED_BATCH)
    out: dict[str, Any] = {
        "startup_s": round(time.perf_counter() - started, 2),
        "baseline_rss_mb": _mb(_rss()),
        "peak_reset": True,
        "steps": {},
    }
    for step, path in files:
        out["peak_reset"] &= _reset_peak()
        shown = [0]

        def progress(done: int, step: str = step, shown: list[int] = shown) -> None:
            if verbose and done - shown[0] >= 10_000:
                shown[0] = done
                print(f"  {step}: {done:,} products", file=sys.stderr, flush=True)

        began = time.perf_counter()
        index = CatalogIndex(embeddings, path=Path(index_dir))
        try:
            report = ingest_file(index, Path(path), full=True, progress=progress)
        finally:
            index.close()
            SharedSystemClient.clear_system_cache()
        seconds = time.perf_counter() - began
        out["steps"][step] = {
            "seconds": round(seconds, 3),
            "total_rows": report.total_rows,
            "added": report.added,
            "updated": report.updated,
            "unchanged": report.unchanged,
            "removed": report.removed,
            "rejected": len(report.rejected),
            "peak_rss_mb": _mb(_peak_rss()),
            "index_mb": _mb(folder_size(Path(index_dir))),
        }
    Path(result).write_text(json.dumps(out, indent=2))


def run_ingests(index_dir: Path, files: list[tuple[str, Path]], verbose: bool) -> dict[str, Any]:
    import multiprocessing

    result = index_dir.with_name(index_dir.name + "-result.json")
    result.unlink(missing_ok=True)
    context = multiprocessing.get_context("spawn")
    steps = [(step, str(path)) for step, path in files]
    child = context.Process(
        target=ingest_steps, args=(str(index_dir), steps, str(result), verbose), daemon=True
    )
    started = time.perf_counter()
    child.start()
    try:
        child.join()
    finally:
        if child.is_alive():
            child.terminate()
            child.join()
    if child.exitcode != 0 or not result.is_file():
        raise RuntimeError(f"The ingest process failed (exit code {child.exitcode}).")
    out: dict[str, Any] = json.loads(result.read_text())
    result.unlink()
    out["process_s"] = round(time.perf_counter() - started, 2)
    return out


# Search ---------------------------------------------------------------------------------------


FILTER_BUDGETS = ("25", "50", "100", "250")


def measure_search(
    index_dir: Path, embeddings: Any, queries: list[str], load_queries: list[str], threads: int
) -> dict[str, Any]:
    """Latency of a chat turn's search: query embedding + hybrid search, alone and under load."""
    from chromadb.api.client import SharedSystemClient

    from retrieval.hybrid import Filters, HybridSearch
    from retrieval.index import CatalogIndex

    index = CatalogIndex(embeddings, path=index_dir)
    try:
        search = HybridSearch(index, min_relevance=MIN_RELEVANCE)
        started = time.perf_counter()
        view = search.view  # the first call builds the keyword view of the whole catalog
        view_build = time.perf_counter() - started
        hits: list[int] = []

        def one(query: str) -> float:
            began = time.perf_counter()
            [vector] = index.embed_queries([query])
            found = search.search(query, vector, Filters(), k=K)
            seconds = time.perf_counter() - began
            hits.append(len(found))
            return seconds

        def filtered(numbered: tuple[int, str]) -> float:
            """A shopper's search under a budget, and every other one in a category too."""
            n, query = numbered
            category = view.categories[n % len(view.categories)] if n % 2 else None
            budget = Decimal(FILTER_BUDGETS[n % len(FILTER_BUDGETS)])
            began = time.perf_counter()
            [vector] = index.embed_queries([query])
            search.search(query, vector, Filters(max_price=budget, category=category), k=K)
            return time.perf_counter() - began

        first = one("warm-up: something for the weekend")
        hits.clear()
        alone = [one(q) for q in queries]
        alone_hits = list(hits)
        hits.clear()
        # The same queries, written once more (a trailing space) so their vectors are not cached.
        narrowed = [filtered((n, f"{q} ")) for n, q in enumerate(queries)]
        began = time.perf_counter()
        with ThreadPoolExecutor(max_workers=threads) as pool:
            loaded = list(pool.map(one, load_queries))
        load_wall = time.perf_counter() - began
        return {
            "products_in_view": len(view.products),
            "view_build_s": round(view_build, 3),
            "first_query_ms": _ms(first),
            "queries": len(alone),
            "p50_ms": _ms(statistics.median(alone)),
            "p95_ms": _ms(percentile(alone, 0.95)),
            "mean_ms": _ms(statistics.fmean(alone)),
            "max_ms": _ms(max(alone)),
            "no_hits": sum(n == 0 for n in alone_hits),
            "filtered_p50_ms": _ms(statistics.median(narrowed)),
            "filtered_p95_ms": _ms(percentile(narrowed, 0.95)),
            "mean_hits": round(statistics.fmean(alone_hits), 2),
            "load": {
                "threads": threads,
                "queries": len(loaded),
                "p50_ms": _ms(statistics.median(loaded)),
                "p95_ms": _ms(percentile(loaded, 0.95)),
                "queries_per_s": round(len(loaded) / load_wall, 1),
                "no_hits": sum(n == 0 for n in hits),
            },
        }
    finally:
        index.close()
        SharedSystemClient.clear_system_cache()


# The run --------------------------------------------------------------------------------------


def _note(options: CatalogBenchOptions, message: str) -> None:
    if options.verbose:
        err.print(f"[dim]{time.strftime('%H:%M:%S')}[/dim] {message}")


def benchmark(options: CatalogBenchOptions) -> dict[str, Any]:
    """Run the whole benchmark and return its report (see the module's docstring)."""
    if not options.sizes or min(options.sizes) < 100:
        raise ValueError("Each catalog size must be at least 100 products.")
    if options.queries < 1 or options.threads < 1 or options.sample < 1:
        raise ValueError("Need queries ≥ 1, threads ≥ 1 and a sample ≥ 1.")
    own_dir = options.workdir is None
    workdir = Path(tempfile.mkdtemp(prefix="salesbot-bench-")) if own_dir else options.workdir
    assert workdir is not None
    workdir.mkdir(parents=True, exist_ok=True)
    created: list[Path] = []
    try:
        return _run(options, workdir, created)
    finally:
        if not options.keep:
            if own_dir:
                shutil.rmtree(workdir, ignore_errors=True)
            else:
                for path in created:
                    if path.is_dir():
                        shutil.rmtree(path, ignore_errors=True)
                    else:
                        path.unlink(missing_ok=True)
        else:
            _note(options, f"Kept the catalogs and indexes in {workdir}")


def _run(options: CatalogBenchOptions, workdir: Path, created: list[Path]) -> dict[str, Any]:
    os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
    os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")
    from retrieval.embeddings import load_embeddings

    started, other = datetime.now(UTC), OtherLoad()
    _note(options, "Loading the embedding model")
    embeddings = load_embeddings()
    _note(options, f"Raw MiniLM throughput on {options.sample:,} products")
    raw = raw_throughput(embeddings, sample_texts(workdir, options.sample, options.seed))
    _note(options, f"  {raw['texts_per_s']} texts/s")
    every = shopper_queries(2 * options.queries, options.seed)
    queries, load_queries = every[: options.queries], every[options.queries :]
    sizes = []
    for n in options.sizes:
        base, changed = workdir / f"catalog-{n}.csv", workdir / f"catalog-{n}-changed.csv"
        index_dir = workdir / f"index-{n}"
        created += [base, changed, index_dir]
        _note(options, f"Generating {n:,} products")
        write_catalog(base, n, options.seed)
        changed_ids = write_changed(base, changed, options.seed)
        shutil.rmtree(index_dir, ignore_errors=True)
        _note(options, f"Ingesting {n:,} products: full, unchanged, 1% changed")
        child = run_ingests(
            index_dir, [("full", base), ("unchanged", base), ("changed", changed)],
            options.verbose,
        )  # fmt: skip
        full, same, diff = (child["steps"][s] for s in ("full", "unchanged", "changed"))
        rate = full["total_rows"] / full["seconds"]
        _note(options, f"  {rate:.1f} rows/s; searching ({options.threads} threads under load)")
        search = measure_search(index_dir, embeddings, queries, load_queries, options.threads)
        sizes.append(
            {
                "products": n,
                "catalog_mb": _mb(base.stat().st_size),
                "changed_rows": len(changed_ids),
                "full_ingest": {
                    **full,
                    "rows_per_s": round(rate, 1),
                    "ratio_to_raw": round(rate / raw["texts_per_s"], 3),
                },
                "index_mb": full["index_mb"],
                "peak_rss_mb": full["peak_rss_mb"],
                "unchanged_reingest": same,
                "changed_reingest": diff,
                "ingest_process": {
                    "startup_s": child["startup_s"],
                    "baseline_rss_mb": child["baseline_rss_mb"],
                    "process_s": child["process_s"],
                    "peak_per_step": child["peak_reset"],
                },
                "search": search,
            }
        )
        if not options.keep:
            shutil.rmtree(index_dir, ignore_errors=True)
    return {
        "command": options.command(),
        "date": started.isoformat(timespec="seconds"),
        "machine": machine(),
        "other_load": other.report(),
        "seed": options.seed,
        "raw_embedding": raw,
        "sizes": sizes,
        "targets": targets(sizes),
        "notes": NOTES,
    }


NOTES = [
    "Ingest times run from opening the index to closing it, in a child process whose model "
    "was loaded and warmed up before (startup_s); rows/s = rows / full ingest seconds.",
    "peak_rss_mb: the ingest process's peak resident memory during that step (model included).",
    "Search latency = query embedding + HybridSearch.search (k=4, no filters, min relevance "
    "0.35); the view build is the first call's keyword snapshot, not in the latencies; every "
    "query is different (no query-vector cache hits).",
]


def targets(sizes: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    ratios = {str(s["products"]): s["full_ingest"]["ratio_to_raw"] for s in sizes}
    big = next((s for s in sizes if s["products"] == TARGET_SIZE), None)
    unchanged = big["unchanged_reingest"]["seconds"] if big else None
    p95 = big["search"]["p95_ms"] if big else None
    return {
        "ingest_throughput": {
            "target": f"full ingest ≥ {TARGET_INGEST_RATIO} × raw MiniLM throughput",
            "value": min(ratios.values()) if ratios else None,
            "per_size": ratios,
            "met": all(r >= TARGET_INGEST_RATIO for r in ratios.values()) if ratios else None,
        },
        "unchanged_reingest": {
            "target": f"unchanged re-ingest of {TARGET_SIZE:,} products < {TARGET_UNCHANGED_S:g} s",
            "value": unchanged,
            "met": unchanged < TARGET_UNCHANGED_S if unchanged is not None else None,
        },
        "search_p95": {
            "target": f"search p95 < {TARGET_SEARCH_P95_MS:g} ms at {TARGET_SIZE:,} products, "
            "no load",
            "value": p95,
            "met": p95 < TARGET_SEARCH_P95_MS if p95 is not None else None,
        },
    }


def print_results(results: dict[str, Any], console: Console) -> None:
    raw, sizes = results["raw_embedding"], results["sizes"]
    threads = sizes[0]["search"]["load"]["threads"] if sizes else THREADS
    table = Table(
        "products", "ingest rows/s", "× raw", "ingest s", "peak MB", "index MB", "unchanged s",
        "1% changed s", "view build s", "search p50 / p95 ms",
        f"{threads} threads p50 / p95 ms",
        title=f"Catalog benchmark (raw MiniLM: {raw['texts_per_s']} texts/s)",
    )  # fmt: skip
    for size in sizes:
        full, search = size["full_ingest"], size["search"]
        table.add_row(
            f"{size['products']:,}",
            f"{full['rows_per_s']}",
            f"{full['ratio_to_raw']}",
            f"{full['seconds']:.1f}",
            f"{size['peak_rss_mb']:.0f}",
            f"{size['index_mb']:.1f}",
            f"{size['unchanged_reingest']['seconds']:.2f}",
            f"{size['changed_reingest']['seconds']:.2f}",
            f"{search['view_build_s']:.2f}",
            f"{search['p50_ms']} / {search['p95_ms']}",
            f"{search['load']['p50_ms']} / {search['load']['p95_ms']}",
        )
    console.print(table)
    for size in sizes:
        search = size["search"]
        console.print(
            f"{size['products']:,} products, searches under a budget (and half in a category): "
            f"p50 {search['filtered_p50_ms']} ms, p95 {search['filtered_p95_ms']} ms"
        )
    m = results["machine"]
    console.print(
        f"Machine: {m['cpu']}, {m['cores']} cores, {m['memory_gib']} GiB, Python {m['python']}"
    )
    busy = results["other_load"]["other_processes_cpu_share"]
    if busy is not None and busy >= BUSY_SHARE:
        console.print(
            f"[yellow]Warning:[/yellow] other processes used {busy:.0%} of the CPU during the "
            "run; every figure is lower than on an idle machine."
        )
    for target in results["targets"].values():
        met = target["met"]
        verdict = "not measured" if met is None else ("met" if met else "NOT met")
        value = "" if target["value"] is None else f" ({target['value']})"
        console.print(f"Target {target['target']}: {verdict}{value}")


def run_catalog_benchmark(options: CatalogBenchOptions, output: Path | None) -> dict[str, Any]:
    results = benchmark(options)
    print_results(results, Console())
    if output:
        output.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n")
    return results


__all__ = [
    "CATEGORIES",
    "CatalogBenchOptions",
    "benchmark",
    "catalog_rows",
    "changed_count",
    "run_catalog_benchmark",
    "shopper_queries",
    "write_catalog",
    "write_changed",
]
