"""Admin lists and their exports ask a fixed number of queries however many rows they show:
each viewset names the related rows its columns read, fetched with the rows themselves."""

from wagtail.admin.views.generic import IndexView

from lms.exports import csv_safe


class RelatedIndexView(IndexView):
    """A `ModelViewSet` index whose columns and export read related rows (`list_select_related`,
    `list_prefetch_related`), joined or prefetched once instead of once per row. Text cells of
    the CSV are kept as text (see `csv_safe`)."""

    list_select_related: tuple[str, ...] = ()
    list_prefetch_related: tuple[str, ...] = ()
    custom_value_preprocess = {
        **IndexView.custom_value_preprocess,
        str: {IndexView.FORMAT_CSV: csv_safe},
    }

    def get_base_queryset(self):
        queryset = super().get_base_queryset()
        if self.list_select_related:
            queryset = queryset.select_related(*self.list_select_related)
        if self.list_prefetch_related:
            queryset = queryset.prefetch_related(*self.list_prefetch_related)
        return queryset


def related_index_view(*select: str, prefetch: tuple[str, ...] = ()) -> type[RelatedIndexView]:
    """An index view class that fetches `select` (foreign keys) and `prefetch` with the rows."""
    return type(
        "RelatedIndexView",
        (RelatedIndexView,),
        {"list_select_related": select, "list_prefetch_related": prefetch},
    )
