/**
 * A well-formed report body at a point, as a grid worker's app sends it (the findings tests and
 * the findings bench post the same shape).
 */
export const reportBody = (point: { lon: number; lat: number }, name = '张三小吃店') => ({
  lon: point.lon,
  lat: point.lat,
  accuracyM: 8,
  address: '示范路 1 号',
  businessName: name,
  businessType: 'restaurant',
  kind: 'unlicensed',
  photos: [],
});
