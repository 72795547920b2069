// The wallet's words in English and 简体中文: every text on the page (the `data-text` keys of
// index.html and the ones rendering fills in), and the demo people's descriptions in Chinese.

// The demo manifest describes its people in English; these are the wallet's own Chinese.
const DEMO_ABOUT_ZH = {
  lin: '长期使用先享后付，始终按时还款，住址和手机号稳定',
  chen: '年轻职场人：信用账户多，偶有逾期，额度使用率高',
  wang: '按时缴费但尚无信用记录（薄档案），收入一般',
  zhao: '有一次逾期超过90天，水电费缴纳不及时，近期搬家，新换手机号',
  liu: '有一笔违约贷款和一次逾期超过90天，未实名认证',
  mei: '网上茶叶店，入驻平台不到两年，销售尚不稳定',
};

const TEXT = {
  en: {
    title: 'My credit',
    person: 'Person',
    scoreHeading: 'Score',
    band: 'Band',
    dimensions: 'Five dimensions',
    reasons: 'What lowered your score',
    noReasons: 'Nothing lowered your score.',
    points: (n) => `−${n} pts`,
    expires: (date, days) => `Snapshot valid until ${date} (${days} ${days === 1 ? 'day' : 'days'} left)`,
    expired: (date) => `Snapshot expired on ${date}`,
    model: (id, version) => `Scored here with ${id} ${version}, signed by the bureau`,
    notScored: 'no data',
    weight: (percent) => `weight ${percent}%`,
    howScored: 'How you are scored',
    howHelp: 'Every characteristic the bureau\'s model reads, and its weight: the share of all points it can move.',
    show: 'Show to merchant',
    showHelp: 'Enter the merchant\'s id and the one-time code (nonce) it shows you.',
    merchantId: 'Merchant id',
    nonce: 'One-time code (nonce)',
    proof: 'For the merchant: your snapshot with all its features and a one-time proof (SD-JWT)',
    needNonce: 'Enter the merchant\'s one-time code first.',
    decline: 'Decline',
    requestTitle: 'A merchant asks to check your credit',
    requestShares: 'Shared with this merchant: the features above from your bureau-signed snapshot, and a one-time proof made for this merchant and this request. The merchant\'s check returns your band, not your score.',
    requestFeatures: (n) => `It asks to see ${n} ${n === 1 ? 'feature' : 'features'}:`,
    requestModel: (id, version) => `For its scorecard ${id} ${version}.`,
    requestWithheld: (n) => `Not shared: your other ${n} ${n === 1 ? 'feature' : 'features'}.`,
    revoked: 'The bureau has revoked this snapshot: merchants will refuse it. Ask the bureau for a new one.',
    suspended: 'The bureau has suspended this snapshot for now: merchants will refuse it until it is reinstated.',
    clockBehind: 'This phone\'s clock is behind the time the bureau issued your snapshot: set it to automatic date and time.',
    demoTools: 'Demo tools (for testing)',
    sendAs: 'When showing to a merchant, send',
    sendIssued: 'the snapshot as issued',
    sendTampered: 'edited features (tampered disclosures)',
    sendExpired: 'an expired snapshot (issued 40 days ago)',
    sendOtherMerchant: 'a proof made for another merchant',
    demoNote: 'Demo wallet: the snapshot and the holder key are loaded from the demo data. A real wallet creates the key on this device and never lets it leave.',
    gauge: (score, band) => `Score ${score} of 350–950, ${band}`,
    cannotScore: (message) => `This snapshot cannot be shown: ${message}`,
  },
  zh: {
    title: '我的信用',
    person: '用户',
    scoreHeading: '评分',
    band: '等级',
    dimensions: '五个维度',
    reasons: '拉低评分的主要原因',
    noReasons: '没有拉低评分的因素。',
    points: (n) => `−${n} 分`,
    expires: (date, days) => `快照有效期至 ${date}（剩余 ${days} 天）`,
    expired: (date) => `快照已于 ${date} 过期`,
    model: (id, version) => `在本机用征信机构签名的模型 ${id} ${version} 评分`,
    notScored: '无数据',
    weight: (percent) => `权重 ${percent}%`,
    howScored: '评分方式',
    howHelp: '征信模型读取的每一项特征及其权重（它能影响的分数占全部分数的比例）。',
    show: '出示给商家',
    showHelp: '输入商家标识和商家提供的一次性验证码（nonce）。',
    merchantId: '商家标识',
    nonce: '一次性验证码（nonce）',
    proof: '给商家：包含全部特征的快照与一次性证明（SD-JWT）',
    needNonce: '请先输入商家的一次性验证码。',
    decline: '拒绝',
    requestTitle: '商家请求查看您的信用',
    requestShares: '将分享给本商家：征信机构签名的快照中上述特征，以及仅限本商家、本次请求使用的一次性证明。商家的核验只返回您的信用等级，不返回评分。',
    requestFeatures: (n) => `商家请求查看以下 ${n} 项特征：`,
    requestModel: (id, version) => `用于其评分卡 ${id} ${version}。`,
    requestWithheld: (n) => `不分享：您的其余 ${n} 项特征。`,
    revoked: '征信机构已撤销此快照：商家将拒绝它。请向征信机构申请新的快照。',
    suspended: '征信机构已暂停此快照：恢复之前商家将拒绝它。',
    clockBehind: '本机时钟早于征信机构签发快照的时间：请将日期和时间设为自动。',
    demoTools: '演示工具（测试用）',
    sendAs: '出示给商家时发送',
    sendIssued: '原始签发的快照',
    sendTampered: '篡改过的特征（改动披露项）',
    sendExpired: '已过期的快照（40 天前签发）',
    sendOtherMerchant: '为其他商家生成的证明',
    demoNote: '演示钱包：快照和持有者密钥从演示数据加载。真实的钱包在本机生成密钥，密钥永不离开设备。',
    gauge: (score, band) => `评分 ${score}（350–950），${band}`,
    cannotScore: (message) => `无法显示此快照：${message}`,
  },
};

// Per language: the page's `lang` attribute and the locale dates are written in.
const LOCALES = { en: { page: 'en', dates: 'en-GB' }, zh: { page: 'zh-CN', dates: 'zh-CN' } };

/** The text `key` in `lang`; entries that take values (counts, dates, names) are functions. */
export function translate(lang, key, ...args) {
  const entry = TEXT[lang][key];
  return typeof entry === 'function' ? entry(...args) : entry;
}

/** The value of `<html lang>` for `lang`. */
export const pageLanguage = (lang) => LOCALES[lang].page;

/** A time (seconds since the epoch) as a long date and a short time in `lang`. */
export function formatDate(lang, seconds) {
  return new Intl.DateTimeFormat(LOCALES[lang].dates, { dateStyle: 'long', timeStyle: 'short' })
    .format(new Date(seconds * 1000));
}

/** A demo person's description: the wallet's own Chinese, else the manifest's English. */
export function aboutPerson(lang, id, about) {
  return (lang === 'zh' ? DEMO_ABOUT_ZH[id] : undefined) ?? about;
}
