"""Fill the database with realistic, deterministic data at scale (for benchmarks).

    manage.py generate_scale_data --communes 3321 --articles 1000000 --seed 1

Bulk inserts in batches; prints its progress. Communes are named "Xã Thử tải NNNN" with hosts
scaleNNNN.localhost, so they never mix with real ones. Running again with the same arguments adds
only what is missing: a run cut short continues where it stopped (each article is drawn from its
own seeded generator, so the data are the same either way).

Real communes are not equal: the first one (scale0001, a busy town ward) gets --big-share of all
articles (10% by default: 100,000 of a million, about 25,000 per category, so its category pages
go past page 500); the others share the rest evenly.
"""
from datetime import timedelta
from decimal import Decimal
import random
import time

from django.core.management.base import BaseCommand
from django.db import reset_queries, transaction
from django.utils import timezone

from communes.models import Commune, CommuneHost
from mttq_portal.vietnamese import fold_vietnamese, slugify_vi

SUBJECTS = ["Ủy ban MTTQ", "Hội Nông dân", "Hội Liên hiệp Phụ nữ", "Đoàn Thanh niên", "Hội Cựu chiến binh",
            "Công đoàn", "Ban công tác Mặt trận khu dân cư"]
ACTIONS = ["tổ chức hội nghị sơ kết", "ra quân làm sạch môi trường", "trao nhà Đại đoàn kết", "tập huấn kỹ thuật",
           "giám sát bình xét hộ nghèo", "tiếp xúc cử tri", "trao quà cho hộ nghèo", "ra mắt mô hình điểm"]
PLACES = ["khu phố 1", "khu phố 4", "thôn Đông", "thôn Xuân Tâm", "tổ dân phố số 7", "xóm Chợ", "khu dân cư số 3"]
SENTENCES = [
    "Ủy ban Mặt trận Tổ quốc và các tổ chức thành viên đã bám sát chương trình phối hợp và thống nhất hành động.",
    "Công tác tuyên truyền, vận động Nhân dân thực hiện chủ trương của Đảng, chính sách, pháp luật của Nhà nước "
    "được chú trọng.",
    "Cuộc vận động «Toàn dân đoàn kết xây dựng nông thôn mới, đô thị văn minh» tiếp tục được triển khai sâu rộng.",
    "Quỹ Vì người nghèo được các cơ quan, doanh nghiệp và bà con ủng hộ vượt kế hoạch đề ra.",
    "Công tác giám sát, phản biện xã hội được thực hiện công khai, dân chủ, đúng quy định.",
    "Nhiều mô hình hay, cách làm sáng tạo được nhân rộng trong các khu dân cư.",
    "Bên cạnh kết quả đạt được, công tác nắm bắt tình hình Nhân dân ở một số nơi chưa thường xuyên.",
    "Hội nghị đã thống nhất các nhiệm vụ trọng tâm trong thời gian tới.",
]


def article_text(rng, index):
    """Title, sapo and body of the index-th article: the same for the same seed."""
    subject, action, place = rng.choice(SUBJECTS), rng.choice(ACTIONS), rng.choice(PLACES)
    title = f"{subject} {action} tại {place} (số {index})"
    sapo = f"{subject} {action}, thu hút đông đảo Nhân dân {place} tham gia. {rng.choice(SENTENCES)}"
    paragraphs = [" ".join(rng.choice(SENTENCES) for _ in range(rng.randint(4, 7))) for _ in range(rng.randint(5, 9))]
    return title, sapo, paragraphs


class Command(BaseCommand):
    help = "Tạo dữ liệu thử tải: nhiều xã, nhiều bài viết, báo cáo, TTHC, lượt truy cập (xác định theo --seed)."

    def add_arguments(self, parser):
        parser.add_argument("--communes", type=int, default=20)
        parser.add_argument("--articles", type=int, default=1000)
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--batch", type=int, default=5000)
        parser.add_argument("--big-share", type=float, default=0.1,
                            help="Phần bài viết của xã đầu tiên (mặc định 0,1).")

    def handle(self, *args, communes, articles, seed, batch, big_share, **options):
        from news.models import Article, Category

        started = time.perf_counter()
        rng = random.Random(seed)
        now = timezone.now()
        existing = set(Commune.objects.filter(code__startswith="scale").values_list("code", flat=True))
        new = [Commune(code=f"scale{i:04d}", name=f"Xã Thử tải {i:04d}", kind=Commune.Kind.XA,
                       province="Tỉnh Thử nghiệm", title_line=f"Trang thông tin điện tử xã Thử tải {i:04d}",
                       opening_visit_total=rng.randint(0, 3_000_000))
               for i in range(1, communes + 1) if f"scale{i:04d}" not in existing]
        Commune.objects.bulk_create(new, batch_size=batch)
        created = list(Commune.objects.filter(code__in=[c.code for c in new]).order_by("code"))
        CommuneHost.objects.bulk_create([CommuneHost(commune=c, hostname=f"{c.code}.localhost", is_primary=True)
                                         for c in created], batch_size=batch)
        self.stdout.write(f"Xã mới: {len(created)}")
        made = list(Commune.objects.filter(code__in=[f"scale{i:04d}" for i in range(1, communes + 1)])
                    .order_by("code"))
        if not made:
            return
        with_categories = set(Category.objects.filter(commune__in=made).values_list("commune_id", flat=True))
        Category.objects.bulk_create([Category(commune=c, name=name, slug=slugify_vi(name), position=i)
                                      for c in made if c.pk not in with_categories
                                      for i, name in enumerate(["Tin tức", "Hoạt động Mặt trận",
                                                                 "Các đoàn thể", "An sinh xã hội"])],
                                     batch_size=batch)
        categories = {}
        for category in Category.objects.filter(commune__in=made).order_by("position", "pk"):
            categories.setdefault(category.commune_id, []).append(category.pk)

        # Articles, in batches, spread over five years. Each article draws from its own seeded
        # generator, so a run cut short continues where it stopped with the same data.
        five_years = 5 * 365 * 24 * 3600
        written = Article.objects.filter(commune__in=made).count()
        if written:
            self.stdout.write(f"Đã có {written} bài viết: viết tiếp.")
        big = int(articles * max(0.0, min(1.0, big_share)))
        while written < articles:
            rows = []
            for index in range(written, min(articles, written + batch)):
                rng = random.Random(seed * 10_000_019 + index)
                commune = made[0] if index < big or len(made) == 1 else made[1 + (index - big) % (len(made) - 1)]
                title, sapo, paragraphs = article_text(rng, index)
                body = "".join(f"<p>{p}</p>" for p in paragraphs)
                text = " ".join(paragraphs)
                published = rng.random() < 0.97
                rows.append(Article(
                    commune=commune, category_id=rng.choice(categories[commune.pk]), title=title,
                    slug=f"{slugify_vi(title, max_length=150)}-{index}", sapo=sapo, body=body, body_html=body,
                    body_text=text, search_text=fold_vietnamese(f"{title} {sapo} {text}"),
                    status=Article.Status.PUBLISHED if published else Article.Status.DRAFT,
                    published_at=now - timedelta(seconds=rng.randint(60, five_years)) if published else None,
                    author_byline=rng.choice(["Thanh Mai", "Văn Hùng", "Thu Trang", "Minh Đức"]),
                    view_count=rng.randint(0, 5000),
                ))
            with transaction.atomic():
                Article.objects.bulk_create(rows, batch_size=batch)
            reset_queries()  # with DEBUG on, Django would keep every INSERT's text in memory
            written += len(rows)
            self.stdout.write(f"Bài viết: {written}/{articles} ({time.perf_counter() - started:.0f} giây)")
        self._extras(made, articles, seed, batch, started, now)

    def _extras(self, made, articles, seed, batch, started, now):
        """Comments, reports with figures, TTHC months and visit history, for communes without them."""
        from news.models import Article, Comment
        from reports.models import FigureDefinition, Period, ReportFigure, ReportingBody, ReportSummary
        from stats.models import DailyVisit
        from tthc.models import TthcResult

        rng = random.Random(seed + 1)
        # Comments on a tenth of the articles, reports, TTHC months and visit history per commune.
        article_ids = []
        if not Comment.objects.filter(article__commune__in=made).exists():
            article_ids = list(Article.objects.filter(commune__in=made, status="published")
                               .values_list("pk", flat=True)[: max(1, articles // 10)])
        Comment.objects.bulk_create([Comment(article_id=pk, name="Bạn đọc", body=rng.choice(SENTENCES),
                                             status=Comment.Status.APPROVED, consent_given_at=now,
                                             consent_text="Dữ liệu thử tải") for pk in article_ids],
                                    batch_size=batch)
        this_year = now.year
        reset_queries()
        done = set(ReportingBody.objects.filter(commune__in=made).values_list("commune_id", flat=True))
        for commune in made:
            if commune.pk in done:
                continue
            bodies = ReportingBody.objects.bulk_create([ReportingBody(commune=commune, name=n, slug=slugify_vi(n))
                                                        for n in SUBJECTS[:2]])
            figures = FigureDefinition.objects.bulk_create([
                FigureDefinition(commune=commune, name=n, unit=u, position=i)
                for i, (n, u) in enumerate([("Quỹ Vì người nghèo", "triệu đồng"), ("Nhà Đại đoàn kết", "căn")])
            ])
            reports = ReportSummary.objects.bulk_create([
                ReportSummary(commune=commune, body=body, year=year, period=period,
                              title=f"Báo cáo {period} {year} {body.name}", slug=f"bao-cao-{body.slug}-{period}-{year}",
                              achievements="<p>" + rng.choice(SENTENCES) + "</p>", status="published",
                              published_at=now - timedelta(days=30 * (this_year - year)))
                for body in bodies for year in range(this_year - 3, this_year) for period in (Period.H1, Period.YEAR)
            ])
            ReportFigure.objects.bulk_create([ReportFigure(report=r, definition=f, value=Decimal(rng.randint(1, 500)))
                                              for r in reports for f in figures])
            months = []
            for month in range(1, 13):
                early, on_time, late = rng.randint(10, 40), rng.randint(50, 150), rng.randint(0, 5)
                resolved = early + on_time + late
                months.append(TthcResult(
                    commune=commune, year=this_year - 1, month=month, field_name="", field_code="",
                    received_count=resolved + 5, resolved_count=resolved, early_count=early, on_time_count=on_time,
                    late_count=late, in_progress_count=5,
                ))
            TthcResult.objects.bulk_create(months)
            today = now.date()
            DailyVisit.objects.bulk_create([DailyVisit(commune=commune, day=today - timedelta(days=d),
                                                       visits=rng.randint(20, 300), page_views=rng.randint(50, 900))
                                            for d in range(1, 91)])
        self.stdout.write(self.style.SUCCESS(
            f"Xong: {len(made)} xã, {Article.objects.filter(commune__in=made).count()} bài viết, "
            f"{len(article_ids)} bình luận mới trong "
            f"{time.perf_counter() - started:.0f} giây."
        ))
