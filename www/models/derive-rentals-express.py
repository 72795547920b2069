"""Derives the merchant's demo scorecard, www/models/rentals-express.json, from the bureau's demo
consumer model: the six characteristics a rentals merchant asks for (repayments, defaults,
utility bills, open credit lines, credit use, real-name check), their bins and texts as the
consumer model has them, points doubled so six characteristics span the score range, and the
initial score that puts each demo person in the band the consumer model gives them (594: the
middle of the scores that do). DEMO material. Run from the repository root:

    python3 www/models/derive-rentals-express.py
    target/release/edgescore sign-model www/models/rentals-express.json --demo-key -o www/models/rentals-express.model.jws
"""
import json
from decimal import Decimal

FEATURES = ['repay_on_time_ratio_24m', 'defaults_24m', 'utility_on_time_ratio_12m', 'open_credit_lines',
            'credit_utilisation', 'real_name_verified']
FACTOR = 2
INITIAL = 594

consumer = json.load(open('src/assets/models/consumer.json'), parse_float=Decimal)


def doubled(value):
    return value * FACTOR


characteristics = []
for characteristic in consumer['characteristics']:
    if characteristic['feature'] not in FEATURES:
        continue
    characteristic = dict(characteristic)
    characteristic['baseline'] = doubled(characteristic['baseline'])
    characteristic['bins'] = [dict(b, points=doubled(b['points'])) for b in characteristic['bins']]
    characteristics.append(characteristic)
codes = {c['reason_code'] for c in characteristics}
model = {
    'format_version': consumer['format_version'],
    'id': 'demo-rentals-express',
    'version': '2026.12',
    'demo': True,
    'title': {
        'en': 'DEMO rentals express scorecard: six features, for a merchant that asks for no more (illustrative, not for real decisions)',
        'zh': '演示用租赁快速评分卡：只读六项特征（仅供示例，不可用于真实决策）',
    },
    'issuer': consumer['issuer'],
    'schema': consumer['schema'],
    'score': dict(consumer['score'], initial=INITIAL),
    'reason_code_algorithm': consumer['reason_code_algorithm'],
    'features': [f for f in consumer['features'] if f['name'] in FEATURES],
    'bands': consumer['bands'],
    'characteristics': characteristics,
    'reasons': {code: text for code, text in consumer['reasons'].items() if code in codes},
}


class Exact(json.JSONEncoder):
    def default(self, value):
        if isinstance(value, Decimal):
            return float(value) if value != value.to_integral() else int(value)
        return super().default(value)


text = json.dumps(model, ensure_ascii=False, indent=2, cls=Exact)
open('www/models/rentals-express.json', 'w').write(text + '\n')
