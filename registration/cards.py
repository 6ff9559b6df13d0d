"""Labour card PDFs (WeasyPrint + segno QR) and the signed public verification link."""


class CardRenderError(Exception):
    """A card could not be rendered (retried by the task)."""


def labour_card_render(*, card_id: int) -> None:
    raise NotImplementedError  # TODO(#3): filled in by the card work
