from newsroom.standards.models import Standard, StandardsPage

__all__ = ["Standard", "StandardsPage"]
