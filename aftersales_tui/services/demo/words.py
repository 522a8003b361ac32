"""Word lists for generated data: customer names and the text of tickets.

Content, like the demo's JSON files: English sentences a customer would write. Symptoms are keyed
by the demo products' keys; a product without its own list gets the generic ones.
"""

from __future__ import annotations

COMPANY_FIRST = (
    "Azure", "Nordic", "Cobalt", "Quartz", "Helios", "Pixel", "Oakridge", "Brightline", "Urban",
    "Wood", "Ready", "Deco", "Gemini", "Summit", "Harbor", "Maple", "Silver", "Crimson", "Atlas",
    "Lumen", "Vertex", "Sterling", "Meadow", "Granite", "Coral", "Evergreen", "Ironwood",
    "Bluebird", "Northwind", "Redwood", "Sunrise", "Pinecrest", "Riverside", "Clearwater",
    "Lakeside", "Highland", "Golden", "Orchid", "Falcon", "Beacon", "Cedar", "Willow", "Horizon",
    "Polar", "Emerald", "Amber", "Copper", "Velvet", "Nimbus", "Zenith", "Alpine", "Baltic",
    "Canyon", "Delta", "Echo", "Fjord", "Glacier", "Juniper", "Kestrel", "Lotus",
)  # fmt: skip

COMPANY_SECOND = (
    "Interior", "Legal", "Coworking", "Architects", "Dental", "Offices", "Forge", "Nest", "Loft",
    "Corner", "Studio", "Clinic", "Consulting", "Logistics", "Bakery", "Pharmacy", "Hotel",
    "Design", "Labs", "Systems", "Partners", "Accounting", "Media", "Print", "Foods", "Garage",
    "Fitness", "Academy", "Gallery", "Optics", "Travel", "Insurance", "Realty", "Dynamics",
    "Works", "Kitchen", "Café", "Agency", "Solutions", "Outfitters",
)  # fmt: skip

COMPANY_SUFFIX = ("", "", "", "", " Ltd", " GmbH", " SA", " BV", " & Co", " Group", " SRL", " AB")

FIRST_NAMES = (
    "Sofia", "Lucas", "Emma", "Noah", "Chloé", "Liam", "Mila", "Jonas", "Ines", "Mateo", "Lena",
    "Hugo", "Nora", "Elias", "Zoé", "Adam", "Yara", "Finn", "Alba", "Leo", "Maja", "Oscar", "Aiko",
    "Ravi", "Amara", "Tomás", "Freya", "Karim", "Ingrid", "Pablo", "Hana", "Viktor", "Leila",
    "Marco", "Greta", "Omar", "Elin", "Diego", "Anouk", "Sven",
)  # fmt: skip

LAST_NAMES = (
    "Esposito", "Janssens", "Dubois", "Müller", "Rossi", "García", "Novak", "Peeters", "Berg",
    "Fischer", "Moreau", "Costa", "Lindqvist", "Kowalski", "Brennan", "Haddad", "Tanaka",
    "Okafor", "Silva", "Nielsen", "Keller", "Romano", "Lefèvre", "Vos", "Horvat", "Marin",
    "Schmidt", "Laurent", "Bianchi", "Andersen", "Ferreira", "Meyer", "Nowak", "Dumont", "Conti",
    "Jensen", "Weber", "Santos", "Mertens", "Popescu",
)  # fmt: skip

PHONE_PREFIXES = ("+32 2", "+33 1", "+49 30", "+31 20", "+34 91", "+39 02", "+44 20", "+46 8")

CITIES = (
    "Brussels", "Antwerp", "Ghent", "Lyon", "Lille", "Cologne", "Rotterdam", "Utrecht", "Milan",
    "Turin", "Valencia", "Porto", "Malmö", "Leeds", "Luxembourg", "Geneva",
)  # fmt: skip

GENERIC_SYMPTOMS = (
    "arrived damaged", "is missing screws", "wobbles", "has a deep scratch", "stopped working",
    "came in the wrong colour", "has a broken part", "does not match the order",
)  # fmt: skip

SYMPTOMS: dict[str, tuple[str, ...]] = {
    "laserjet-x200": (
        "jams on every second page", "prints faded pages", "shows error E-52",
        "will not connect to Wi-Fi", "leaves streaks on the paper", "is stuck in sleep mode",
        "makes a grinding noise", "prints blank pages",
    ),
    "thinkdesk-14": (
        "battery drains in an hour", "does not wake from sleep", "has sticky keys",
        "overheats during calls", "screen flickers", "does not charge", "fan is very loud",
        "trackpad stopped working",
    ),
    "ultraview-27": (
        "flickers and goes black", "has a line of dead pixels", "shows no signal over USB-C",
        "colours look washed out", "stand wobbles", "buzzes at low brightness",
    ),
    "ergolift-desk": (
        "motor stops halfway", "wobbles at standing height", "control panel shows E01",
        "will not go down", "makes a clicking noise", "left leg is slower than the right",
    ),
    "brewmaster-espresso": (
        "leaks under the drip tray", "pump is very loud", "coffee comes out cold",
        "shows a descaling error", "grinder is blocked", "steam wand does not work",
    ),
    "frostline-fridge": (
        "no longer cools", "door seal is torn", "ices up at the back",
        "thermostat clicks all the time", "is very noisy at night", "light stays off",
    ),
    "airpure-500": (
        "filter warning will not reset", "smells burnt", "fan stops after a few minutes",
        "display is stuck", "air quality light is always red",
    ),
    "lumen-4k": (
        "lamp does not switch on", "image is blurry in the corners", "overheats and shuts down",
        "remote does not respond", "does not detect the HDMI input",
    ),
    "aquaclean-dishwasher": (
        "dishes come out still wet", "shows error E24", "does not drain", "leaks onto the floor",
        "door does not latch", "detergent tray does not open",
    ),
    "toner-x200": ("cartridge leaks toner", "prints grey instead of black", "is not recognised"),
    "coffee-beans": ("taste stale", "bag arrived torn", "are not the roast we ordered"),
    "purifier-filter": ("does not fit the purifier", "arrived without its seal"),
    "acoustic-panel": ("panels do not stick to the wall", "pack had only five panels"),
    "office-chair": ("armrest broke", "sinks slowly when seated", "caster broke off"),
    "conference-chair": ("fabric is torn", "legs are uneven", "arrived with a stain"),
    "meeting-table": ("top is scratched", "legs do not line up", "wobbles on a flat floor"),
    "corner-desk": ("drawer does not close", "panel is cracked", "holes do not line up"),
}  # fmt: skip

TITLE_ENDINGS = ("", "", "", "", " again", " after two weeks", " since the update", " (urgent)")

DETAILS = (
    "We restarted it twice without success.", "It started after the last power cut.",
    "It happens on every unit in the office.", "We followed the manual but nothing changed.",
    "A colleague already checked the cables.", "We tried a factory reset.",
    "The problem comes and goes during the day.", "Nothing was dropped or moved.",
    "It was fine for the first weeks.", "Photos are attached.",
)  # fmt: skip

SINCE = (
    "It started last week.", "Since Monday.", "This has been going on for a month.",
    "It happened right after delivery.", "It began yesterday afternoon.", "",
)  # fmt: skip

IMPACT = (
    "The whole team depends on it.", "It is blocking our reception desk.",
    "We have clients visiting on Friday.", "Not urgent, but annoying.",
    "We cannot work like this.", "",
)  # fmt: skip

ASKS = (
    "Can you send a technician?", "Could you replace it?", "What do you suggest?",
    "Please advise.", "Can we get a refund?", "Is this covered by the warranty?",
    "Can someone call us back?",
)  # fmt: skip

# Billing and delivery questions about an order: {invoice}, {delivery}, {order}, {product}.
BILLING_TITLES = (
    "Invoice {invoice} charged twice", "Refund request for {product}",
    "Wrong price on invoice {invoice}", "Delivery {delivery} arrived incomplete",
    "Package damaged in transit ({product})", "Discount not applied on {order}",
    "Cancel part of order {order}", "Late delivery for {order}",
    "Need a copy of invoice {invoice}", "Returning the {product}",
)  # fmt: skip

BILLING_DETAILS = (
    "Our accounting team noticed it this morning.", "The amount does not match the quotation.",
    "The driver left before we could check the boxes.", "We paid by bank transfer last week.",
    "We would prefer a credit note rather than a new invoice.",
    "One box was missing from the pallet.",
)  # fmt: skip

# Questions before a sale: {product}, {other}, {quantity}, {city}.
QUESTION_TITLES = (
    "Lead time for {quantity} x {product}", "Quote for {quantity} x {product}",
    "Volume discount on {product}", "Is the {product} available in black?",
    "Do you deliver to {city}?", "Demo of the {product} possible?",
    "Warranty terms for the {product}", "Financing options for a large order",
    "Does the {product} work with the {other}?", "Opening hours of the showroom",
)  # fmt: skip

QUESTION_DETAILS = (
    "We are furnishing a new office next month.", "We compare three suppliers this week.",
    "Our budget is approved for this quarter.", "A colleague recommended your shop.",
    "We would need an installation on site as well.", "Delivery should be before the 15th.",
)  # fmt: skip

QUESTION_ASKS = (
    "Could you send us a quote?", "What would the delivery cost be?",
    "Can we visit the showroom?", "Please call us back.", "Thanks in advance.",
)  # fmt: skip
