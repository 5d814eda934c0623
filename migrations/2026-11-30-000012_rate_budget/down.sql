DROP TABLE zoom.rate_budget;
