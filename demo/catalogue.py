"""The demo shop's catalogue: what the page at ``/`` shows around the embedded widget.

Display data only (the products the demo FAQ knows about); the assistant itself reads
orders and the knowledge base, never this list.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class DemoProduct:
    name: str
    price: str
    blurb: str
    colour: str


DEMO_CATALOGUE: tuple[DemoProduct, ...] = (
    DemoProduct("Aura Bluetooth Headphones", "$129.00", "Over-ear, noise cancelling, 30-hour battery.", "#3b5b92"),
    DemoProduct("Pulse Smartwatch", "$199.00", "Heart rate, GPS and a week on one charge.", "#2f7a6b"),
    DemoProduct("Volt Wireless Charger", "$29.00", "15 W Qi charging pad for phones and earbuds.", "#8a5a00"),
    DemoProduct("Shield Phone Case", "$19.00", "Drop-tested case with a raised camera lip.", "#5d4a8a"),
    DemoProduct("Lumo LED Desk Lamp", "$45.00", "Dimmable, warm to cool light, USB charging port.", "#a1572b"),
    DemoProduct("Brewmaster Coffee Maker", "$79.00", "12 cups, programmable, keeps warm for 2 hours.", "#6b4f3a"),
    DemoProduct("Hydra Insulated Bottle", "$25.00", "Cold for 24 hours, hot for 12. 750 ml.", "#1f7fa3"),
    DemoProduct("Flow Yoga Mat", "$35.00", "6 mm, non-slip, with a carry strap.", "#7a3b6b"),
    DemoProduct("Stride Running Shoes", "$89.00", "Light cushioned trainers for road running.", "#b03a2e"),
    DemoProduct("Trek Laptop Backpack", "$69.00", "Fits 16-inch laptops, water resistant.", "#3d5a40"),
)
