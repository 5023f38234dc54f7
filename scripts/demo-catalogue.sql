-- The demo shop's catalogue, for local development only (`npm run dev`, the browser tests and the benchmark run
-- this file against their local D1; it is not a migration, so a production database starts empty).
-- Idempotent: fixed ids and INSERT OR IGNORE, so running it again changes nothing, and a demo product or price an
-- admin has edited or retired stays as the admin left it. Names are in Korean, as a Korean shop writes them: product
-- names are the shop's data, shown as they are on the Korean and the English pages.

INSERT OR IGNORE INTO products (id, slug, name, description, active, created_at, updated_at) VALUES
  ('prod_demo_americano', 'americano', '아메리카노', '에스프레소 두 샷에 뜨거운 물. 355 ml.', 1, strftime('%s', 'now') * 1000, strftime('%s', 'now') * 1000),
  ('prod_demo_cafe_latte', 'cafe-latte', '카페라테', '에스프레소 두 샷에 스팀 우유. 355 ml.', 1, strftime('%s', 'now') * 1000 + 1, strftime('%s', 'now') * 1000 + 1),
  ('prod_demo_croissant', 'butter-croissant', '버터 크루아상', '프랑스산 버터로 매일 아침 굽습니다.', 1, strftime('%s', 'now') * 1000 + 2, strftime('%s', 'now') * 1000 + 2),
  ('prod_demo_gift_box', 'gift-box', '선물 상자', '쿠키 여섯 개와 카드를 포장해 드립니다.', 1, strftime('%s', 'now') * 1000 + 3, strftime('%s', 'now') * 1000 + 3),
  -- The subscription plans (recurring prices), for the subscriptions feature: not sold as one-off items.
  ('prod_demo_coffee_club', 'coffee-club', '커피 클럽', '갓 볶은 원두를 매달 보내 드립니다.', 1, strftime('%s', 'now') * 1000 + 4, strftime('%s', 'now') * 1000 + 4);

INSERT OR IGNORE INTO prices (id, product_id, label, amount, currency, interval, interval_count, trial_days, active, created_at, updated_at) VALUES
  ('price_demo_americano', 'prod_demo_americano', NULL, 4500, 'KRW', NULL, NULL, NULL, 1, strftime('%s', 'now') * 1000, strftime('%s', 'now') * 1000),
  ('price_demo_cafe_latte', 'prod_demo_cafe_latte', NULL, 5000, 'KRW', NULL, NULL, NULL, 1, strftime('%s', 'now') * 1000, strftime('%s', 'now') * 1000),
  ('price_demo_croissant', 'prod_demo_croissant', NULL, 3800, 'KRW', NULL, NULL, NULL, 1, strftime('%s', 'now') * 1000, strftime('%s', 'now') * 1000),
  ('price_demo_gift_box', 'prod_demo_gift_box', NULL, 12000, 'KRW', NULL, NULL, NULL, 1, strftime('%s', 'now') * 1000, strftime('%s', 'now') * 1000),
  ('price_demo_club_basic', 'prod_demo_coffee_club', '베이직', 19000, 'KRW', 'month', 1, 0, 1, strftime('%s', 'now') * 1000, strftime('%s', 'now') * 1000),
  ('price_demo_club_plus', 'prod_demo_coffee_club', '플러스', 35000, 'KRW', 'month', 1, 14, 1, strftime('%s', 'now') * 1000, strftime('%s', 'now') * 1000);
