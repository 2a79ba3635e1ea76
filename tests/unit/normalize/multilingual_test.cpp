// Near-duplicate detection beyond English: for each language, a short original
// written for these tests, an edited copy (sentences reworded, spelling
// variants the normaliser must see through) and an unrelated text on another
// subject. The copy must be linked to the original; the unrelated text must not.
#include <gtest/gtest.h>

#include <ostream>
#include <string>

#include "kindred/params.h"
#include "kindred/pipeline.h"

namespace kindred {
namespace {

struct Sample {
  const char* language;
  std::string original;
  std::string copy;       // edited: some words changed, spelling variants
  std::string variant;    // the original in other spellings only (same normalised text)
  std::string unrelated;  // another story in the same language
};

Sample chinese() {
  return {
      "Chinese",
      "临江市图书馆在经历了为期两年的翻修之后，于本周六重新向公众开放。新馆增加了一个面向儿童的阅读"
      "区、"
      "一间可容纳两百人的报告厅以及二十四小时自助借还书服务。市文化局负责人表示，翻修工程总投资约一"
      "亿两千万元，"
      "其中一部分资金来自本地企业的捐赠。开馆当天，数千名市民排队入馆，许多家长带着孩子参加了绘本朗"
      "读活动。"
      "图书馆馆长在接受采访时说，新馆的藏书量将在明年达到一百五十万册，并计划与周边县区的图书馆建立"
      "通借通还系统。"
      "一些老读者表示，他们最喜欢的是顶层新开设的地方文献阅览室，那里收藏了大量关于临江历史的资料和"
      "老照片。",
      "临江市图书馆在经历了为期两年的翻修之后，于上周六重新向公众开放。新馆增加了一个面向儿童的阅读"
      "区、"
      "一间可容纳两百人的报告厅以及二十四小时自助借还书服务。市文化局负责人表示，翻修工程总投资约一"
      "亿两千万元，"
      "其中一部分资金来自本地企业的捐赠。开馆当天，上千名市民排队入馆，许多家长带着孩子参加了绘本朗"
      "读活动。"
      "图书馆馆长在接受记者采访时说，新馆的藏书量将在明年达到一百五十万册，并计划与周边县区的图书馆"
      "建立通借通还系统。"
      "市民可以通过官方网站预约参观。",
      // Fullwidth digits and punctuation variants only.
      "临江市图书馆在经历了为期两年的翻修之后,于本周六重新向公众开放."
      "新馆增加了一个面向儿童的阅读区,"
      "一间可容纳两百人的报告厅以及二十四小时自助借还书服务.市文化局负责人表示:"
      "翻修工程总投资约一亿两千万元,"
      "其中一部分资金来自本地企业的捐赠.开馆当天,数千名市民排队入馆,"
      "许多家长带着孩子参加了绘本朗读活动."
      "图书馆馆长在接受采访时说,新馆的藏书量将在明年达到一百五十万册,"
      "并计划与周边县区的图书馆建立通借通还系统."
      "一些老读者表示,他们最喜欢的是顶层新开设的地方文献阅览室,"
      "那里收藏了大量关于临江历史的资料和老照片.",
      "今年夏季南方多地遭遇持续高温天气，气象部门连续多日发布橙色预警。农业专家提醒，水稻正处于抽穗"
      "扬花的关键时期，"
      "高温可能导致结实率下降。各地农业部门已组织技术人员深入田间，指导农民采取灌深水、喷施叶面肥等"
      "措施降低损失。"
      "与此同时，电力公司表示用电负荷屡创新高，部分工厂被要求错峰生产。气象台预计，下周随着冷空气南"
      "下，"
      "高温天气将有所缓解，但局部地区仍可能出现雷阵雨。",
  };
}

Sample japanese() {
  return {
      "Japanese",
      "北海道の港町で、百年以上続く朝市が改装を終えて再開した。新しい建物には屋根付きの通路が設けら"
      "れ、"
      "冬の寒い時期でも買い物がしやすくなった。市場の組合によると、出店数は以前より二割ほど増え、"
      "若い漁師や農家も参加しているという。再開初日には観光客や地元の家族連れが訪れ、新鮮な魚介類や"
      "野菜を買い求めた。"
      "組合長は「地域の台所として、これからも長く続けていきたい」と話した。",
      "北海道の港町で、百年以上続く朝市が改装工事を終えて再開した。新しい建物には屋根付きの通路が設"
      "けられ、"
      "冬でも買い物がしやすくなった。市場の組合によると、出店数は以前より二割ほど増え、"
      "若い漁師や農家も新たに参加しているという。再開初日には観光客や地元の家族連れが訪れ、新鮮な魚"
      "介類や野菜を買い求めた。"
      "組合長は「地域の台所として、これからも長く続けていきたい」と話した。",
      "北海道の港町で 百年以上続く朝市が改装を終えて再開した. "
      "新しい建物には屋根付きの通路が設けられ "
      "冬の寒い時期でも買い物がしやすくなった. 市場の組合によると 出店数は以前より二割ほど増え "
      "若い漁師や農家も参加しているという. 再開初日には観光客や地元の家族連れが訪れ "
      "新鮮な魚介類や野菜を買い求めた. "
      "組合長は『地域の台所として これからも長く続けていきたい』と話した.",
      "東京の大学の研究チームは、新しい種類の電池材料を開発したと発表した。この材料を使うと、"
      "充電にかかる時間を従来の半分ほどに短縮できるという。研究者たちは今後、企業と協力して実用化を"
      "目指す方針だ。"
      "一方で、材料の原料となる鉱物の価格が上がっていることから、量産には課題が残るとの指摘もある"
      "。",
  };
}

Sample arabic() {
  return {
      "Arabic",
      "افتتحت بلدية مدينة الساحل الشرقي يوم الأحد محطة جديدة لتحلية مياه البحر، بطاقة إنتاجية تبلغ "
      "خمسين ألف "
      "متر مكعب يومياً. وقال رئيس البلدية في كلمة ألقاها خلال حفل الافتتاح إن المحطة ستغطي احتياجات "
      "أكثر من "
      "مئتي ألف نسمة، وستخفف الضغط على الآبار الجوفية التي تراجع منسوبها في السنوات الأخيرة. وأضاف "
      "أن تكلفة "
      "المشروع بلغت نحو ثلاثمئة مليون دولار، وأن المحطة تعمل جزئياً بالطاقة الشمسية. وأشار مهندسون "
      "في الموقع "
      "إلى أن المرحلة الثانية من المشروع ستبدأ في العام المقبل، وتشمل مد أنابيب جديدة إلى القرى "
      "المجاورة. "
      "ورحب السكان بالمشروع، لكن بعضهم أبدى قلقه من ارتفاع أسعار المياه بعد تشغيل المحطة.",
      // Reworded in places, with tashkeel, tatweel and bare alef / heh / yeh spellings.
      "افْتَتَحَتْ بلدية مدينه الساحل الشرقي يوم الأحد محطة جديـدة لتحلية مياه البحر، بطاقة انتاجية "
      "تبلغ خمسين الف "
      "متر مكعب يوميا. وقال رئيس البلدية في كلمة القاها خلال حفل الافتتاح ان المحطة ستغطي احتياجات "
      "اكثر من "
      "مئتي الف نسمة، وستخفف الضغط على الابار الجوفية التي تراجع منسوبها في الأعوام الأخيرة. واضاف "
      "ان تكلفة "
      "المشروع وصلت الى نحو ثلاثمئة مليون دولار، وان المحطة تعمل جزئيا بالطاقة الشمسية. واشار "
      "مهندسون في الموقع "
      "الي ان المرحلة الثانية من المشروع ستبدأ العام المقبل، وتشمل مد انابيب جديدة الى القرى "
      "المجاورة.",
      "افتتحت بلديه مدينه الساحل الشرقي يوم الاحد محطه جديده لتحليه مياه البحر، بطاقه انتاجيه تبلغ "
      "خمسين الف "
      "متر مكعب يوميا. وقال رئيس البلديه في كلمه القاها خلال حفل الافتتاح ان المحطه ستغطي احتياجات "
      "اكثر من "
      "مئتي الف نسمه، وستخفف الضغط علي الابار الجوفيه التي تراجع منسوبها في السنوات الاخيره. واضاف "
      "ان تكلفه "
      "المشروع بلغت نحو ثلاثمئه مليون دولار، وان المحطه تعمل جزئيا بالطاقه الشمسيه. واشار مهندسون "
      "في الموقع "
      "الي ان المرحله الثانيه من المشروع ستبدا في العام المقبل، وتشمل مد انابيب جديده الي القري "
      "المجاوره. "
      "ورحب السكان بالمشروع، لكن بعضهم ابدي قلقه من ارتفاع اسعار المياه بعد تشغيل المحطه.",
      "أعلنت وزارة التربية والتعليم عن خطة لتحديث المناهج الدراسية في المرحلة الابتدائية، تتضمن "
      "إدخال مادة "
      "البرمجة وتعزيز تعليم اللغات الأجنبية. وقالت الوزارة إن المعلمين سيخضعون لدورات تدريبية خلال "
      "العطلة "
      "الصيفية، وإن الكتب الجديدة ستوزع على المدارس قبل بداية العام الدراسي. وانتقد عدد من أولياء "
      "الأمور قصر "
      "المدة المخصصة للتحضير، فيما رحب آخرون بالخطوة واعتبروها ضرورية لمواكبة التطورات. ومن "
      "المتوقع أن تشمل "
      "المرحلة الأولى مئة مدرسة في ثلاث محافظات.",
  };
}

Sample russian() {
  return {
      "Russian",
      "После трёхлетнего перерыва в Заречье вновь заработала паромная переправа через реку. Первый "
      "рейс в "
      "субботу утром совершил обновлённый паром «Север», который может перевозить до сорока "
      "автомобилей и "
      "двести пассажиров. По словам главы района, переправа сократит путь до областного центра "
      "почти на два "
      "часа, а стоимость билета останется прежней. Ремонт парома и причалов обошёлся бюджету в сто "
      "двадцать "
      "миллионов рублей. Местные жители, которые всё это время ездили в объезд через мост в "
      "соседнем городе, "
      "встретили возвращение переправы с облегчением. Паром будет ходить ежедневно с шести утра до "
      "десяти "
      "вечера, а зимой его заменит ледовая дорога.",
      "После трехлетнего перерыва в Заречье снова заработала паромная переправа через реку. Первый "
      "рейс в "
      "субботу утром совершил обновленный паром \"Север\", который может перевозить до сорока "
      "автомобилей и "
      "двести пассажиров. По словам главы района, переправа сократит дорогу до областного центра "
      "почти на два "
      "часа, а стоимость билета останется прежней. Ремонт парома и причалов обошелся районному "
      "бюджету в сто "
      "двадцать миллионов рублей. Местные жители, которые все это время ездили в объезд через мост "
      "в соседнем "
      "городе, встретили возвращение переправы с облегчением.",
      "ПОСЛЕ ТРЕХЛЕТНЕГО ПЕРЕРЫВА в Заречье вновь заработала паромная переправа через реку. Первый "
      "рейс в "
      "субботу утром совершил обновленный паром \"Север\", который может перевозить до сорока "
      "автомобилей и "
      "двести пассажиров. По словам главы района, переправа сократит путь до областного центра "
      "почти на два "
      "часа, а стоимость билета останется прежней. Ремонт парома и причалов обошелся бюджету в сто "
      "двадцать "
      "миллионов рублей. Местные жители, которые все это время ездили в объезд через мост в "
      "соседнем городе, "
      "встретили возвращение переправы с облегчением. Паром будет ходить ежедневно с шести утра до "
      "десяти "
      "вечера, а зимой его заменит ледовая дорога.",
      "Учёные из университетской лаборатории сообщили о находке редкого вида орхидеи в заповеднике "
      "на севере "
      "области. Растение было обнаружено во время плановой экспедиции на болотистом участке, куда "
      "редко заходят "
      "туристы. По словам ботаников, последний раз этот вид фиксировали в регионе более полувека "
      "назад. Сейчас "
      "специалисты составляют карту участка и готовят предложения по его охране. Посещение этой "
      "территории "
      "временно ограничено, чтобы не повредить хрупкую экосистему.",
  };
}

Sample turkish() {
  return {
      "Turkish",
      "Kıyıkent Belediyesi, şehrin doğu ve batı yakalarını birleştiren yeni tramvay hattını "
      "Pazartesi günü "
      "hizmete açtı. On dört kilometre uzunluğundaki hat üzerinde yirmi bir istasyon bulunuyor ve "
      "seferler sabah "
      "altıdan gece yarısına kadar her on dakikada bir yapılacak. Belediye Başkanı açılış "
      "töreninde yaptığı "
      "konuşmada, hattın günde yaklaşık altmış bin yolcu taşımasının beklendiğini ve trafik "
      "sıkışıklığını önemli "
      "ölçüde azaltacağını söyledi. Projenin maliyeti iki milyar lirayı aştı; finansmanın bir "
      "kısmı uluslararası "
      "bir kalkınma bankasından sağlandı. İlk gün ücretsiz olan seferlerde yoğunluk yaşandı, bazı "
      "istasyonlarda "
      "uzun kuyruklar oluştu. Esnaf ise hattın çarşı bölgesine canlılık getirmesini umuyor.",
      "KIYIKENT BELEDIYESI, şehrin doğu ve batı yakalarını birleştiren yeni tramvay hattını "
      "pazartesi günü "
      "hizmete açtı. On dört kilometrelik hat üzerinde yirmi bir istasyon bulunuyor ve seferler "
      "sabah altıdan "
      "gece yarısına kadar her on dakikada bir yapılacak. Belediye Başkanı açılış töreninde "
      "yaptığı konuşmada, "
      "hattın günde yaklaşık altmış bin yolcu taşımasının beklendiğini ve trafik sıkışıklığını "
      "büyük ölçüde "
      "azaltacağını söyledi. Projenin maliyeti iki milyar lirayı aştı; finansmanın bir kısmı "
      "uluslararası bir "
      "kalkınma bankasından sağlandı. ILK GÜN ücretsiz olan seferlerde yoğunluk yaşandı.",
      "KIYIKENT BELEDİYESİ, ŞEHRİN DOĞU VE BATI YAKALARINI BİRLEŞTİREN YENİ TRAMVAY HATTINI "
      "PAZARTESİ GÜNÜ "
      "HİZMETE AÇTI. On dört kilometre uzunluğundaki hat üzerinde yirmi bir istasyon bulunuyor ve "
      "seferler sabah "
      "altıdan gece yarısına kadar her on dakikada bir yapılacak. BELEDIYE BASKANI acilis "
      "toreninde yaptigi "
      "konusmada, hattin gunde yaklasik altmis bin yolcu tasimasinin beklendigini ve trafik "
      "sikisikligini onemli "
      "olcude azaltacagini soyledi. Projenin maliyeti iki milyar lirayı aştı; finansmanın bir "
      "kısmı uluslararası "
      "bir kalkınma bankasından sağlandı. ilk gün ücretsiz olan seferlerde yoğunluk yaşandı, bazı "
      "istasyonlarda "
      "uzun kuyruklar oluştu. Esnaf ise hattın çarşı bölgesine canlılık getirmesini umuyor.",
      "Karadeniz bölgesindeki fındık üreticileri, bu yılki hasadın kuraklık nedeniyle beklenenden "
      "düşük "
      "olacağını açıkladı. Ziraat odası verilerine göre rekolte geçen yıla göre yüzde yirmi "
      "civarında "
      "azalabilir. Üreticiler, artan gübre ve işçilik maliyetleri karşısında taban fiyatın bir an "
      "önce "
      "açıklanmasını istiyor. Uzmanlar ise sulama altyapısına yatırım yapılmadığı sürece benzer "
      "sorunların "
      "önümüzdeki yıllarda da tekrarlanacağı uyarısında bulunuyor.",
  };
}

// gtest prints failing parameters; the language says enough.
void PrintTo(const Sample& s, std::ostream* os) {
  *os << s.language;
}

class Multilingual : public ::testing::TestWithParam<Sample> {};

TEST_P(Multilingual, EditedCopyIsLinkedAndUnrelatedTextIsNot) {
  const Sample& s = GetParam();
  const Params params;
  const Comparison copy = compare_texts(s.original, s.copy, params);
  ASSERT_GT(copy.tokens_a, 40u) << s.language << ": too few words to judge";
  EXPECT_TRUE(copy.relation.has_value())
      << s.language << ": copy not linked; containment " << copy.overlap.containment_b_in_a()
      << ", shared " << copy.overlap.shared;
  EXPECT_FALSE(copy.same_text) << s.language;

  const Comparison unrelated = compare_texts(s.original, s.unrelated, params);
  EXPECT_FALSE(unrelated.relation.has_value())
      << s.language << ": unrelated text linked; shared " << unrelated.overlap.shared;
  EXPECT_EQ(unrelated.overlap.shared, 0u) << s.language;
}

TEST_P(Multilingual, SpellingVariantsNormaliseToTheSameText) {
  const Sample& s = GetParam();
  const Comparison c = compare_texts(s.original, s.variant, Params{});
  EXPECT_TRUE(c.same_text) << s.language << ": shared " << c.overlap.shared << " of " << c.tokens_a
                           << "/" << c.tokens_b << " tokens";
}

INSTANTIATE_TEST_SUITE_P(Languages, Multilingual,
                         ::testing::Values(chinese(), japanese(), arabic(), russian(), turkish()),
                         [](const ::testing::TestParamInfo<Sample>& param_info) {
                           return std::string(param_info.param.language);
                         });

}  // namespace
}  // namespace kindred
