"""factory_boy factories for every model; tests build their data from these."""
from django.contrib.auth import get_user_model
import factory

from communes.models import Commune, CommuneHost, Membership


class CommuneFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Commune
        django_get_or_create = ["code"]

    code = factory.Sequence(lambda n: f"xa{n}")
    name = factory.Sequence(lambda n: f"Xã Thử Nghiệm {n}")
    kind = Commune.Kind.XA
    province = "Tỉnh Thanh Hóa"
    title_line = factory.LazyAttribute(lambda o: f"Trang thông tin điện tử {o.name.lower()}")
    editorial_head_name = "Trần Văn Bình"
    editorial_head_title = "Phó Chủ tịch UBND xã"
    address = factory.LazyAttribute(lambda o: f"Trụ sở UBND {o.name}")
    phone = "0237 3 000 000"
    email = factory.LazyAttribute(lambda o: f"{o.code}@example.vn")


class CommuneHostFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CommuneHost

    commune = factory.SubFactory(CommuneFactory)
    hostname = factory.LazyAttribute(lambda o: f"{o.commune.code}.localhost")
    is_primary = True


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ["username"]
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"nguoidung{n}")
    email = factory.LazyAttribute(lambda o: f"{o.username}@example.vn")
    password = factory.PostGenerationMethodCall("set_password", "mat-khau-thu-nghiem")

    @factory.post_generation
    def save_password(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    commune = factory.SubFactory(CommuneFactory)
    role = Membership.Role.EDITOR


def commune_with_host(code, name, **fields):
    commune = CommuneFactory(code=code, name=name, **fields)
    CommuneHostFactory(commune=commune, hostname=f"{code}.localhost", is_primary=True)
    return commune


# -- news -------------------------------------------------------------------------------------

from django.utils import timezone  # noqa: E402

from news.models import Article, Category, Comment, Tag  # noqa: E402


class CategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Category

    commune = factory.SubFactory(CommuneFactory)
    name = factory.Sequence(lambda n: f"Chuyên mục {n}")


class TagFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Tag

    commune = factory.SubFactory(CommuneFactory)
    name = factory.Sequence(lambda n: f"Thẻ {n}")


class ArticleFactory(factory.django.DjangoModelFactory):
    """A published article (prepared like the service does: sanitised body, search text)."""

    class Meta:
        model = Article

    commune = factory.SubFactory(CommuneFactory)
    category = factory.LazyAttribute(lambda o: CategoryFactory(commune=o.commune))
    title = factory.Sequence(lambda n: f"Hội nghị Mặt trận Tổ quốc lần thứ {n}")
    sapo = "Ủy ban MTTQ tổ chức hội nghị tổng kết công tác năm."
    body = "<p>Nội dung bài viết về công tác Mặt trận.</p>"
    status = Article.Status.PUBLISHED
    published_at = factory.LazyFunction(lambda: timezone.now() - timezone.timedelta(hours=1))

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        from news.services import article_prepare

        article = model_class(*args, **kwargs)
        article_prepare(article)
        article.save()
        return article


class CommentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Comment

    article = factory.SubFactory(ArticleFactory)
    name = "Nguyễn Văn An"
    email = "an@example.vn"
    body = "Ý kiến của bạn đọc."
    status = Comment.Status.APPROVED
    consent_given_at = factory.LazyFunction(timezone.now)
    consent_text = "Đồng ý"


# -- reports ----------------------------------------------------------------------------------

from reports.models import FigureDefinition, Period, ReportFigure, ReportingBody, ReportSummary  # noqa: E402


class ReportingBodyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ReportingBody

    commune = factory.SubFactory(CommuneFactory)
    name = factory.Sequence(lambda n: f"Hội thứ {n}")


class FigureDefinitionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FigureDefinition

    commune = factory.SubFactory(CommuneFactory)
    name = factory.Sequence(lambda n: f"Chỉ tiêu {n}")
    unit = "triệu đồng"


class ReportSummaryFactory(factory.django.DjangoModelFactory):
    """A published report (prepared like the service does)."""

    class Meta:
        model = ReportSummary

    commune = factory.SubFactory(CommuneFactory)
    body = factory.LazyAttribute(lambda o: ReportingBodyFactory(commune=o.commune))
    year = 2024
    period = Period.H1
    title = factory.Sequence(lambda n: f"Báo cáo sơ kết số {n}")
    achievements = "<p>Kết quả nổi bật.</p>"
    status = ReportSummary.Status.PUBLISHED
    published_at = factory.LazyFunction(lambda: timezone.now() - timezone.timedelta(hours=1))

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        from reports.services import report_prepare

        report = model_class(*args, **kwargs)
        report_prepare(report)
        report.save()
        return report


class ReportFigureFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ReportFigure

    report = factory.SubFactory(ReportSummaryFactory)
    definition = factory.LazyAttribute(lambda o: FigureDefinitionFactory(commune=o.report.commune))
    value = 100
