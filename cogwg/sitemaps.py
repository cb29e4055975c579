"""sitemap.xml: every public page, in English and French, each pointing to its twin."""

from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from cogwg.models import StatusReport
from jurisdictions.models import Jurisdiction
from stories.models import UserStory
from workplan.models import Priority, WorkPlan


class BilingualSitemap(Sitemap):
    i18n = True
    alternates = True
    x_default = True


class PageSitemap(BilingualSitemap):
    priority = 0.8
    changefreq = "weekly"

    def items(self):
        return [
            "home",
            "about",
            "open-data",
            "privacy",
            "workplan:current",
            "jurisdictions:list",
            "jurisdictions:accomplishments",
            "jurisdictions:challenges",
            "stories:list",
            "stories:submit",
            "reports:list",
        ]

    def location(self, item):
        return reverse(item)


class WorkPlanSitemap(BilingualSitemap):
    def items(self):
        return WorkPlan.objects.published().order_by("-start_date")

    def location(self, item):
        return reverse("workplan:detail", args=[item.slug])

    def lastmod(self, item):
        return item.modified_at


class PrioritySitemap(BilingualSitemap):
    def items(self):
        return Priority.objects.published().select_related("work_plan").order_by("work_plan", "number")

    def location(self, item):
        # Called in each language in turn (i18n): each one's address is at its own slug.
        return reverse("workplan:priority", args=[item.work_plan.slug, item.page_slug])

    def lastmod(self, item):
        return item.modified_at


class JurisdictionSitemap(BilingualSitemap):
    def items(self):
        return Jurisdiction.objects.all()

    def location(self, item):
        return reverse("jurisdictions:detail", args=[item.code.lower()])

    def lastmod(self, item):
        return item.modified_at


class StorySitemap(BilingualSitemap):
    def items(self):
        return UserStory.objects.published()

    def location(self, item):
        # Called in each language in turn (i18n): each one's address is at its own slug.
        return reverse("stories:detail", args=[item.page_slug])

    def lastmod(self, item):
        return item.modified_at


class StatusReportSitemap(BilingualSitemap):
    def items(self):
        # Not the frozen content, which no address needs and which is large.
        return StatusReport.objects.published().only("pk", "modified_at")

    def location(self, item):
        return reverse("reports:detail", args=[item.pk])

    def lastmod(self, item):
        return item.modified_at


SITEMAPS = {
    "pages": PageSitemap,
    "work-plans": WorkPlanSitemap,
    "priorities": PrioritySitemap,
    "jurisdictions": JurisdictionSitemap,
    "stories": StorySitemap,
    "status-reports": StatusReportSitemap,
}
