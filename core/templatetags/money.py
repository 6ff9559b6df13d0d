from django import template

from core.money import rupees as rupees_text

register = template.Library()


@register.filter
def rupees(value):
    """Show an amount in rupees with lakh/crore grouping: ``{{ amount|rupees }}``."""
    return rupees_text(value)
