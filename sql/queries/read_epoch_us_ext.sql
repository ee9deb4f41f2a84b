-- read_epoch_us_ext: read_epoch_us.sql's values by itemdup.epoch_us()
-- (extension itemdup_check 1.2, ext/flat_accounts.c), without numeric
-- arithmetic per Item
itemdup.epoch_us(:ts)
