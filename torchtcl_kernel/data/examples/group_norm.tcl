# GroupNorm splits 6 channels into 3 groups of 2 and normalises each group of each sample: it
# works even with a batch of one image, where batch norm has no batch to average over.
torch::manual_seed 2
set image [torch::tensor_add [torch::randn {1 6 4 4}] 5.0]
set gn [torch::group_norm -numGroups 3 -numChannels 6]
set out [torch::layer_forward $gn $image]
puts "input mean [format %.2f [torch::tensor_item [torch::tensor_mean $image]]],\
 output mean [format %.2f [torch::tensor_item [torch::tensor_mean $out]]]"
puts "parameters (a scale and a shift per channel): [torch::count_parameters $gn]"
