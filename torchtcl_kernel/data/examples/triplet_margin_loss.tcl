# Face embeddings: each anchor should be closer to its positive than to its negative by the
# margin. The second triplet has its negative too close.
set anchor [torch::tensor_create {{0.0 1.0} {1.0 1.0}}]
set positive [torch::tensor_create {{0.1 0.9} {1.2 0.8}}]
set negative [torch::tensor_create {{2.0 -1.0} {1.1 1.2}}]
puts [torch::tensor_print [torch::triplet_margin_loss $anchor $positive $negative 1.0 2.0 none]]
puts "L1 distance: [torch::tensor_item [torch::tripletMarginLoss -anchor $anchor -positive $positive -negative $negative -p 1]]"
