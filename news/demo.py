"""Demo news for `load_demo`: categories, a dozen articles per commune with generated photos,
comments in every state and one scheduled article. Written in Vietnamese for the demo; the
events and people are invented. Safe to run again: existing demo articles are left as they are.
"""
from datetime import timedelta
from io import BytesIO
import random

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image, ImageDraw, ImageFilter

from communes.models import Commune

from .models import Article, ArticleEvent, Category, Comment, Tag
from .services import article_prepare, image_upload_process

CATEGORIES = [
    ("Tin tức", None, ["Chính trị - Kinh tế", "Văn hóa - Xã hội"]),
    ("Hoạt động Mặt trận", None, []),
    ("Các đoàn thể", None, []),
    ("An sinh xã hội", None, []),
]

# (category, title, sapo, [paragraphs], byline, source, tags, photo alt, photo caption)
ARTICLES = [
    ("Hoạt động Mặt trận", "Hội nghị sơ kết công tác Mặt trận 6 tháng đầu năm",
     "Ủy ban MTTQ {name} tổ chức hội nghị sơ kết công tác Mặt trận 6 tháng đầu năm, triển khai nhiệm vụ 6 tháng cuối năm.",
     ["Sáng nay, Ban Thường trực Ủy ban MTTQ {short} tổ chức hội nghị sơ kết công tác Mặt trận 6 tháng đầu năm. Dự hội nghị có đại diện Thường trực Đảng ủy, HĐND, UBND, các tổ chức chính trị - xã hội và trưởng các Ban công tác Mặt trận khu dân cư.",
      "Sáu tháng qua, Ủy ban MTTQ và các tổ chức thành viên đã bám sát chương trình phối hợp và thống nhất hành động, làm tốt công tác tuyên truyền, vận động Nhân dân thực hiện chủ trương của Đảng, chính sách, pháp luật của Nhà nước. Cuộc vận động «Toàn dân đoàn kết xây dựng nông thôn mới, đô thị văn minh» tiếp tục được triển khai sâu rộng.",
      "Hội nghị cũng chỉ ra một số hạn chế: công tác nắm bắt tình hình Nhân dân ở một vài khu dân cư chưa thường xuyên; chế độ báo cáo của một số Ban công tác Mặt trận còn chậm.",
      "Phát biểu kết luận, đồng chí Chủ tịch Ủy ban MTTQ đề nghị các tổ chức thành viên phát huy kết quả đạt được, tập trung hoàn thành các chỉ tiêu của cả năm."],
     "Thanh Mai", "Ban Thường trực Ủy ban MTTQ", ["Sơ kết", "Công tác Mặt trận"],
     "Đại biểu dự hội nghị sơ kết trong hội trường trang trí cờ đỏ sao vàng", "Quang cảnh hội nghị sơ kết."),
    ("An sinh xã hội", "Trao nhà Đại đoàn kết cho hộ nghèo khu phố 7",
     "Từ nguồn Quỹ Vì người nghèo và sự ủng hộ của doanh nghiệp, Ủy ban MTTQ {short} trao nhà Đại đoàn kết trị giá 128 triệu đồng.",
     ["Chiều qua, Ủy ban MTTQ {short} phối hợp với các đoàn thể tổ chức lễ bàn giao nhà Đại đoàn kết cho gia đình một hộ nghèo tại khu phố 7.",
      "Ngôi nhà có tổng trị giá 128 triệu đồng, trong đó Quỹ Vì người nghèo hỗ trợ 60 triệu đồng, doanh nghiệp trên địa bàn ủng hộ 40 triệu đồng, phần còn lại do anh em họ hàng và bà con khu phố góp công, góp sức.",
      "Năm nay, toàn {short} đã hỗ trợ xây mới và sửa chữa 4 nhà Đại đoàn kết, góp phần giúp các hộ nghèo ổn định cuộc sống."],
     "Minh Đức", "", ["Nhà Đại đoàn kết", "Quỹ Vì người nghèo"],
     "Cán bộ Mặt trận trao quyết định hỗ trợ trước ngôi nhà mới mái tôn đỏ", "Lễ bàn giao nhà Đại đoàn kết."),
    ("Các đoàn thể", "Hội Nông dân tập huấn kỹ thuật trồng lúa chất lượng cao",
     "Hơn 80 hội viên nông dân được hướng dẫn quy trình canh tác lúa an toàn, tiết kiệm nước và giảm phân bón hóa học.",
     ["Hội Nông dân {short} vừa phối hợp với Trung tâm Dịch vụ nông nghiệp tổ chức lớp tập huấn kỹ thuật trồng lúa chất lượng cao cho hơn 80 hội viên.",
      "Tại lớp học, các kỹ sư hướng dẫn cách chọn giống, bón phân cân đối, quản lý nước «ướt khô xen kẽ» và phòng trừ sâu bệnh theo hướng an toàn.",
      "Hội viên được phát tài liệu và đăng ký tham gia mô hình liên kết tiêu thụ sản phẩm vụ tới."],
     "Văn Hùng", "Hội Nông dân", ["Hội Nông dân", "Nông nghiệp"],
     "Hội viên nông dân đứng trên bờ ruộng lúa xanh nghe kỹ sư hướng dẫn", "Hội viên thực hành trên đồng ruộng."),
    ("Chính trị - Kinh tế", "Tiếp xúc cử tri trước kỳ họp HĐND",
     "Cử tri {short} kiến nghị nhiều nội dung về giao thông nông thôn, vệ sinh môi trường và thủ tục hành chính.",
     ["Ủy ban MTTQ {short} phối hợp với Thường trực HĐND tổ chức hội nghị tiếp xúc cử tri trước kỳ họp thường lệ.",
      "Cử tri đánh giá cao kết quả phát triển kinh tế - xã hội, đồng thời đề nghị sớm sửa chữa tuyến đường liên khu phố, tăng tần suất thu gom rác và rút ngắn thời gian giải quyết hồ sơ đất đai.",
      "Các kiến nghị thuộc thẩm quyền đã được lãnh đạo UBND trả lời trực tiếp; các nội dung khác được tổng hợp gửi cấp trên."],
     "Thu Trang", "", ["Tiếp xúc cử tri", "HĐND"],
     "Cử tri phát biểu ý kiến tại hội nghị tiếp xúc", "Cử tri phát biểu tại hội nghị."),
    ("Văn hóa - Xã hội", "Ra mắt mô hình «Khu dân cư Sáng - Xanh - Sạch - Đẹp - An toàn»",
     "Mô hình được triển khai thí điểm tại khu phố 4, với sự tham gia của hơn 300 hộ gia đình.",
     ["Ban công tác Mặt trận khu phố 4 vừa ra mắt mô hình «Khu dân cư Sáng - Xanh - Sạch - Đẹp - An toàn».",
      "Các hộ gia đình cam kết phân loại rác tại nguồn, trồng và chăm sóc cây xanh, lắp đèn chiếu sáng ngõ xóm và tham gia tổ tự quản về an ninh trật tự.",
      "Sau 6 tháng, mô hình sẽ được sơ kết để nhân rộng ra các khu dân cư khác."],
     "Hồng Nhung", "Ban công tác Mặt trận khu phố 4", ["Đô thị văn minh"],
     "Người dân khu phố trồng cây xanh dọc tuyến đường", "Người dân trồng cây trên tuyến đường khu phố."),
    ("Các đoàn thể", "Đoàn Thanh niên ra quân «Ngày Chủ nhật xanh»",
     "Hơn 150 đoàn viên, thanh niên tham gia dọn vệ sinh, khơi thông cống rãnh và trồng hoa trên các tuyến đường.",
     ["Hưởng ứng phong trào «Ngày Chủ nhật xanh», Đoàn Thanh niên {short} tổ chức ra quân làm sạch môi trường.",
      "Các chi đoàn chia thành nhiều nhóm, thu gom hàng tấn rác thải, khơi thông gần 2 km cống rãnh và trồng mới 500 cây hoa.",
      "Hoạt động sẽ được duy trì vào Chủ nhật cuối cùng hằng tháng."],
     "Đức Anh", "Đoàn Thanh niên", ["Đoàn Thanh niên", "Môi trường"],
     "Đoàn viên mặc áo xanh thu gom rác bên đường", "Đoàn viên thanh niên ra quân làm sạch môi trường."),
    ("An sinh xã hội", "Trao quà cho người có hoàn cảnh khó khăn dịp Tết",
     "Gần 200 suất quà với tổng trị giá hơn 100 triệu đồng được trao đến hộ nghèo, hộ cận nghèo và gia đình chính sách.",
     ["Từ nguồn vận động của các tổ chức, cá nhân, Ủy ban MTTQ {short} đã trao 196 suất quà Tết cho người có hoàn cảnh khó khăn.",
      "Mỗi suất quà gồm tiền mặt và nhu yếu phẩm, trị giá từ 500.000 đồng đến 1 triệu đồng.",
      "Hoạt động góp phần bảo đảm mọi nhà, mọi người đều được đón Tết vui tươi, đầm ấm."],
     "Thanh Mai", "", ["Quỹ Vì người nghèo", "An sinh"],
     "Người cao tuổi nhận túi quà Tết màu đỏ từ cán bộ Mặt trận", "Trao quà Tết cho người cao tuổi."),
    ("Hoạt động Mặt trận", "Giám sát việc bình xét hộ nghèo, hộ cận nghèo",
     "Đoàn giám sát của Ủy ban MTTQ kiểm tra quy trình rà soát, bình xét hộ nghèo tại các khu dân cư.",
     ["Thực hiện kế hoạch giám sát năm, Ủy ban MTTQ {short} thành lập đoàn giám sát việc rà soát, bình xét hộ nghèo, hộ cận nghèo.",
      "Đoàn đã làm việc với các Ban công tác Mặt trận, kiểm tra biên bản họp bình xét và trao đổi trực tiếp với người dân.",
      "Qua giám sát, quy trình được thực hiện công khai, dân chủ; đoàn kiến nghị cập nhật kịp thời các trường hợp phát sinh."],
     "Quốc Bảo", "Ban Thường trực Ủy ban MTTQ", ["Giám sát", "Hộ nghèo"],
     "Đoàn giám sát làm việc quanh bàn họp với hồ sơ trên bàn", "Đoàn giám sát làm việc tại khu dân cư."),
    ("Các đoàn thể", "Hội Liên hiệp Phụ nữ ra mắt câu lạc bộ «Phụ nữ với pháp luật»",
     "Câu lạc bộ có 45 thành viên, sinh hoạt định kỳ mỗi quý với các chủ đề pháp luật gần gũi đời sống.",
     ["Hội Liên hiệp Phụ nữ {short} vừa ra mắt câu lạc bộ «Phụ nữ với pháp luật».",
      "Buổi sinh hoạt đầu tiên tập trung vào Luật Phòng, chống bạo lực gia đình và các quy định mới về bảo vệ dữ liệu cá nhân.",
      "Các thành viên sẽ là tuyên truyền viên tại khu dân cư."],
     "Lan Hương", "Hội Liên hiệp Phụ nữ", ["Hội LHPN", "Pháp luật"],
     "Hội viên phụ nữ mặc áo dài giơ tay phát biểu trong buổi sinh hoạt", "Buổi sinh hoạt đầu tiên của câu lạc bộ."),
    ("Chính trị - Kinh tế", "Lấy ý kiến Nhân dân về sự hài lòng với chính quyền cơ sở",
     "Kết quả khảo sát cho thấy 2.313 trên 2.341 phiếu hài lòng, đạt 98,8%.",
     ["Ủy ban MTTQ {short} đã tổ chức lấy phiếu khảo sát sự hài lòng của người dân với mô hình «Chính quyền thân thiện, vì Nhân dân phục vụ».",
      "Có 2.313 trên 2.341 phiếu đánh giá hài lòng, đạt 98,8%. Người dân ghi nhận thái độ phục vụ và thời gian giải quyết hồ sơ được cải thiện.",
      "Một số ý kiến đề nghị tăng cường hướng dẫn nộp hồ sơ trực tuyến cho người cao tuổi."],
     "Thu Trang", "", ["Khảo sát", "Cải cách hành chính"],
     "Người dân điền phiếu khảo sát tại bộ phận một cửa", "Người dân tham gia khảo sát."),
    ("Văn hóa - Xã hội", "Ngày hội Đại đoàn kết toàn dân tộc ở khu dân cư",
     "Các khu dân cư đồng loạt tổ chức Ngày hội Đại đoàn kết với nhiều hoạt động văn hóa, thể thao sôi nổi.",
     ["Hướng tới kỷ niệm Ngày truyền thống Mặt trận Tổ quốc Việt Nam 18/11, các khu dân cư trên địa bàn {short} đã tổ chức Ngày hội Đại đoàn kết toàn dân tộc.",
      "Ngày hội có phần lễ ôn lại truyền thống, biểu dương gia đình văn hóa tiêu biểu và phần hội với văn nghệ, kéo co, nấu ăn.",
      "Dịp này, nhiều tập thể và cá nhân có thành tích xuất sắc trong công tác Mặt trận được khen thưởng."],
     "Hồng Nhung", "", ["Ngày hội Đại đoàn kết"],
     "Người dân khu phố kéo co trong sân nhà văn hóa", "Hội thi kéo co tại Ngày hội."),
    ("Các đoàn thể", "Hội Cựu chiến binh giúp hội viên phát triển kinh tế",
     "Nhiều mô hình kinh tế của hội viên cựu chiến binh cho thu nhập từ 200 đến 500 triệu đồng mỗi năm.",
     ["Hội Cựu chiến binh {short} luôn quan tâm giúp hội viên phát triển kinh tế, giảm nghèo bền vững.",
      "Thông qua nguồn vốn vay ưu đãi và các lớp tập huấn, nhiều hội viên đã xây dựng mô hình chăn nuôi, trồng cây ăn quả hiệu quả.",
      "Phong trào «Cựu chiến binh gương mẫu» tiếp tục lan tỏa trong đời sống."],
     "Văn Hùng", "Hội Cựu chiến binh", ["Hội CCB", "Kinh tế"],
     "Cựu chiến binh bên vườn cây ăn quả sai trĩu", "Mô hình vườn cây ăn quả của hội viên."),
]

COMMENTS = [
    ("Nguyễn Văn Hải", "Cảm ơn Ban Biên tập đã đưa tin kịp thời. Mong địa phương tiếp tục phát huy.", Comment.Status.APPROVED),
    ("Trần Thị Lan", "Đề nghị đăng thêm danh sách các hộ được hỗ trợ để bà con cùng theo dõi.", Comment.Status.APPROVED),
    ("Lê Minh", "Bài viết rất hay, mong có thêm nhiều hoạt động như thế này.", Comment.Status.PENDING),
    ("Khách", "Quảng cáo vay tiền nhanh, liên hệ ngay!!!", Comment.Status.REJECTED),
]


def _demo_photo(seed, *, size=(1600, 1067)):
    """A photo-like illustration (sky, ground, a hall with a red flag), made with Pillow."""
    rng = random.Random(seed)
    width, height = size
    image = Image.new("RGB", size)
    draw = ImageDraw.Draw(image)
    sky = (rng.randint(120, 180), rng.randint(170, 210), rng.randint(220, 250))
    ground = (rng.randint(60, 110), rng.randint(120, 160), rng.randint(50, 80))
    horizon = int(height * rng.uniform(0.55, 0.65))
    for y in range(height):
        t = y / horizon if y < horizon else (y - horizon) / (height - horizon)
        base = sky if y < horizon else ground
        shade = 1 - 0.25 * t
        draw.line([(0, y), (width, y)], fill=tuple(int(c * shade) for c in base))
    hall_left, hall_right = int(width * 0.2), int(width * 0.8)
    draw.rectangle([hall_left, int(horizon * 0.45), hall_right, horizon + 20], fill=(236, 226, 200))
    draw.polygon([(hall_left - 40, int(horizon * 0.45)), (width // 2, int(horizon * 0.2)),
                  (hall_right + 40, int(horizon * 0.45))], fill=(150, 40, 30))
    flag = [width // 2 - 90, int(horizon * 0.5), width // 2 + 90, int(horizon * 0.5) + 120]
    draw.rectangle(flag, fill=(200, 16, 46))
    cx, cy = width // 2, int(horizon * 0.5) + 60
    draw.regular_polygon((cx, cy, 40), n_sides=5, fill=(255, 205, 0))
    for _ in range(40):
        x = rng.randint(0, width)
        y = rng.randint(horizon + 40, height - 40)
        color = rng.choice([(30, 60, 150), (220, 220, 220), (180, 30, 30), (240, 200, 60)])
        draw.ellipse([x - 14, y - 50, x + 14, y - 22], fill=(230, 190, 150))
        draw.rectangle([x - 20, y - 22, x + 20, y + 40], fill=color)
    image = image.filter(ImageFilter.GaussianBlur(1.2))
    noise = Image.effect_noise(size, 18).convert("RGB")
    image = Image.blend(image, noise, 0.08)
    buffer = BytesIO()
    image.save(buffer, format="JPEG", quality=88)
    return SimpleUploadedFile(f"anh-{seed}.jpg", buffer.getvalue(), content_type="image/jpeg")


def _categories(commune):
    made = {}
    for position, (name, _, children) in enumerate(CATEGORIES):
        parent, _ = Category.objects.get_or_create(commune=commune, name=name, parent=None,
                                                   defaults={"position": position})
        made[name] = parent
        for child_position, child in enumerate(children):
            made[child], _ = Category.objects.get_or_create(
                commune=commune, name=child, parent=parent, defaults={"position": child_position}
            )
    return made


def demo_news_load(*, stdout):
    now = timezone.now()
    for code in ("thanhmien", "saovang"):
        commune = Commune.objects.filter(code=code).first()
        if commune is None or Article.objects.filter(commune=commune).exists():
            continue
        short = commune.name[0].lower() + commune.name[1:]
        categories = _categories(commune)
        for index, spec in enumerate(ARTICLES):
            category, title, sapo, paragraphs, byline, source, tags, alt, caption = spec
            article = Article(
                commune=commune, category=categories[category], title=title,
                sapo=sapo.format(name=commune.name, short=short),
                body="".join(f"<p>{p.format(name=commune.name, short=short)}</p>" for p in paragraphs),
                author_byline=byline, source=source, cover_alt=alt, cover_caption=caption,
                is_featured=index == 0, status=Article.Status.PUBLISHED,
                published_at=now - timedelta(days=index * 3, hours=index),
            )
            seed = f"{code}-{index}"
            article.cover.name, article.renditions = image_upload_process(_demo_photo(seed), folder="articles")
            article_prepare(article)
            article.save()
            article.tags.set([Tag.objects.get_or_create(commune=commune, name=t)[0] for t in tags])
            ArticleEvent.objects.create(article=article, action=ArticleEvent.Action.PUBLISHED,
                                        note="Dữ liệu mẫu", at=article.published_at)
            if index < 3:
                for name, body, status in COMMENTS:
                    Comment.objects.create(
                        article=article, name=name, body=body, status=status,
                        consent_given_at=now, consent_text="Dữ liệu mẫu",
                    )
            article.view_count = 40 * (len(ARTICLES) - index)
            article.save(update_fields=["view_count"])
        from .models import ArticleDailyView
        for index, article in enumerate(Article.objects.filter(commune=commune)):
            for day in range(10):
                ArticleDailyView.objects.get_or_create(
                    article=article, day=(now - timedelta(days=day)).date(),
                    defaults={"views": (index * 7 + day * 3) % 25 + 1},
                )
        # One scheduled article: it appears by itself tomorrow morning.
        scheduled = Article(
            commune=commune, category=categories["Hoạt động Mặt trận"],
            title="Thông báo lịch tiếp dân của Ủy ban MTTQ tháng tới",
            sapo=f"Ủy ban MTTQ {short} thông báo lịch tiếp công dân định kỳ.",
            body="<p>Thường trực Ủy ban MTTQ tiếp công dân vào sáng thứ Năm hằng tuần tại trụ sở.</p>",
            status=Article.Status.PUBLISHED, published_at=now + timedelta(days=1),
        )
        article_prepare(scheduled)
        scheduled.save()
        ArticleEvent.objects.create(article=scheduled, action=ArticleEvent.Action.SCHEDULED, note="Dữ liệu mẫu")
        # A draft waiting for approval, so the board head has something to approve.
        pending = Article(
            commune=commune, category=categories["Các đoàn thể"],
            title="Công đoàn tổ chức giải bóng chuyền hơi chào mừng ngày thành lập",
            sapo="Giải đấu thu hút 12 đội đến từ các cơ quan, trường học trên địa bàn.",
            body="<p>Bài viết đang chờ Trưởng Ban Biên tập duyệt.</p>", status=Article.Status.PENDING,
        )
        article_prepare(pending)
        pending.save()
        stdout.write(f"  Tin tức mẫu: {commune.name} — {len(ARTICLES)} bài đã đăng, 1 bài hẹn giờ, 1 bài chờ duyệt.")
