# Bounding box offsets: errors below beta are squared (and scaled), larger ones count linearly.
set predicted [torch::tensor_create {0.1 0.45 2.0 -0.3}]
set target [torch::tensor_create {0.0 0.5 0.0 0.0}]
puts [torch::tensor_print [torch::smooth_l1_loss $predicted $target none 0.5]]
puts "mean, beta 1: [torch::tensor_item [torch::smoothL1Loss -input $predicted -target $target]]"
